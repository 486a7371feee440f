/* test_http_text.c - text the HTTP layer writes out of what clients sent: Open311's XML text
 * content (o311_xml_text: only characters XML 1.0 allows) and the access log's path
 * (http_log_path: tracking tokens never in the log, a hash prefix instead). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/util.h"
#include "http/http.h"

static void xml_is(const char *in, const char *want)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    o311_xml_text(&b, in);
    assert_string_equal(b.data ? b.data : "", want);
    buf_free(&b);
}

static void xml_entities(void **state)
{
    (void)state;
    xml_is("a<b>&\"'", "a&lt;b&gt;&amp;&quot;&apos;");
    xml_is("上虞区 春江花城", "上虞区 春江花城");
    xml_is("tab\tlf\ncr\r", "tab\tlf\ncr\r");
    xml_is("", "");
}

static void xml_forbidden_characters(void **state)
{
    (void)state;
    /* C0 controls other than TAB LF CR: dropped */
    xml_is("a\x01\x08\x0B\x0C\x1F"
           "b",
           "ab");
    /* U+FFFE and U+FFFF: U+FFFD */
    xml_is("a\xEF\xBF\xBE"
           "b\xEF\xBF\xBF"
           "c",
           "a\xEF\xBF\xBD"
           "b\xEF\xBF\xBD"
           "c");
    /* U+FFFD, U+FFFC and U+10FFFF are allowed and kept */
    xml_is("\xEF\xBF\xBD\xEF\xBF\xBC\xF4\x8F\xBF\xBF", "\xEF\xBF\xBD\xEF\xBF\xBC\xF4\x8F\xBF\xBF");
    /* bytes that are not UTF-8 (a lone continuation byte, a surrogate, a cut sequence) */
    xml_is("a\x80"
           "b",
           "a\xEF\xBF\xBD"
           "b");
    xml_is("\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    xml_is("x\xE4\xB8", "x\xEF\xBF\xBD\xEF\xBF\xBD");
}

static void log_path_hides_tokens(void **state)
{
    (void)state;
    struct arena a;
    char h[65], want[128];
    const char *tok = "Qx7w3kR9pLmN2vB8cD4fG6hJ";
    arena_init(&a, 0);
    hash_hex(tok, h);

    snprintf(want, sizeof(want), "/api/v1/track/#%.12s", h);
    const char *p = http_log_path(arena_printf(&a, "/api/v1/track/%s", tok), &a);
    assert_string_equal(p, want);
    assert_null(strstr(p, tok));

    snprintf(want, sizeof(want), "/api/v1/track/#%.12s/actions", h);
    assert_string_equal(http_log_path(arena_printf(&a, "/api/v1/track/%s/actions", tok), &a), want);

    snprintf(want, sizeof(want), "/open311/v2/tokens/#%.12s.json", h);
    assert_string_equal(http_log_path(arena_printf(&a, "/open311/v2/tokens/%s.json", tok), &a),
                        want);
    snprintf(want, sizeof(want), "/open311/v2/tokens/#%.12s", h);
    assert_string_equal(http_log_path(arena_printf(&a, "/open311/v2/tokens/%s", tok), &a), want);

    /* other paths are logged as they are */
    assert_string_equal(http_log_path("/api/v1/cases/12", &a), "/api/v1/cases/12");
    assert_string_equal(http_log_path("/open311/v2/requests/12.json", &a),
                        "/open311/v2/requests/12.json");
    assert_string_equal(http_log_path("/api/v1/track/", &a), "/api/v1/track/");
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xml_entities),
        cmocka_unit_test(xml_forbidden_characters),
        cmocka_unit_test(log_path_hides_tokens),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
