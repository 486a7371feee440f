/* test_config.c - settings (src/core/config.c): the defaults, config_set's validation (a bad
 * value is an error naming the key and changes nothing), the config file (comments, blank lines,
 * errors naming the line) and HOST:PORT splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

/* A rule src/ once broke: kept as a regression test. */
static void regression(int ok, const char *what)
{
    if (!ok)
        fail_msg("regression: %s", what);
}

static void test_defaults(void **state)
{
    (void)state;
    struct config c;
    memset(&c, 0x5A, sizeof(c));
    config_defaults(&c);
    assert_string_equal(c.db, "sqlite:./gridgov.db");
    assert_string_equal(c.listen, "127.0.0.1:8080");
    assert_string_equal(c.data_dir, "./gridgov-data");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    assert_int_equal(c.threads, cores > 16 ? 64 : (int)cores * 4);
    assert_int_equal(c.db_readers, 0);
    assert_int_equal(c.webhook_allow_private, 0); /* private webhook targets: off */
    assert_int_equal(c.body_max, 1L << 20);
    assert_int_equal(c.session_ttl, 12 * 3600);
    assert_int_equal(c.sync_full, 0);
    assert_string_equal(c.log_level, "info");
    /* the default listen address is itself valid */
    char host[64];
    int port = 0;
    struct err e = {0};
    assert_int_equal(config_listen_split(c.listen, host, sizeof(host), &port, &e), ERR_OK);
    assert_string_equal(host, "127.0.0.1");
    assert_int_equal(port, 8080);
}

static void set_ok(struct config *c, const char *key, const char *value)
{
    struct err e = {0};
    if (config_set(c, key, value, &e) != ERR_OK)
        fail_msg("%s = '%s' rejected: %s", key, value, e.msg);
}

/* A bad value: ERR_INVALID naming the key, and the config is left exactly as it was. */
static void set_bad(const char *key, const char *value)
{
    struct config c, before;
    struct err e = {0};
    config_defaults(&c);
    before = c;
    int rc = config_set(&c, key, value, &e);
    if (rc != ERR_INVALID)
        fail_msg("%s = '%s' gave %d, want ERR_INVALID", key, value, rc);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, key);
    assert_memory_equal(&c, &before, sizeof(c));
}

static void test_set_valid(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    set_ok(&c, "db", "postgres://gg@127.0.0.1:5432/gridgov");
    assert_string_equal(c.db, "postgres://gg@127.0.0.1:5432/gridgov");
    set_ok(&c, "listen", "[::1]:9000");
    assert_string_equal(c.listen, "[::1]:9000");
    set_ok(&c, "data_dir", "/var/lib/gridgov");
    assert_string_equal(c.data_dir, "/var/lib/gridgov");
    set_ok(&c, "threads", "0"); /* a thread per connection */
    assert_int_equal(c.threads, 0);
    set_ok(&c, "threads", "1");
    assert_int_equal(c.threads, 1);
    set_ok(&c, "threads", "256");
    assert_int_equal(c.threads, 256);
    set_ok(&c, "db_readers", "512");
    assert_int_equal(c.db_readers, 512);
    set_ok(&c, "body_max", "1024");
    assert_int_equal(c.body_max, 1024);
    set_ok(&c, "body_max", "1073741824");
    assert_int_equal(c.body_max, 1L << 30);
    set_ok(&c, "session_ttl", "60");
    assert_int_equal(c.session_ttl, 60);
    set_ok(&c, "session_ttl", "2592000");
    assert_int_equal(c.session_ttl, 30 * 86400);
    set_ok(&c, "sync", "full");
    assert_int_equal(c.sync_full, 1);
    set_ok(&c, "sync", "normal");
    assert_int_equal(c.sync_full, 0);
    static const char *const levels[] = {"debug", "info", "warn", "error"};
    for (size_t i = 0; i < 4; i++) {
        set_ok(&c, "log_level", levels[i]);
        assert_string_equal(c.log_level, levels[i]);
    }
    /* a string just fitting its field */
    char path[512];
    memset(path, 'p', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    set_ok(&c, "data_dir", path);
    assert_string_equal(c.data_dir, path);
}

static void test_webhook_allow_private(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    set_ok(&c, "webhook_allow_private", "on");
    assert_int_equal(c.webhook_allow_private, 1);
    set_ok(&c, "webhook_allow_private", "off");
    assert_int_equal(c.webhook_allow_private, 0);
    set_bad("webhook_allow_private", "yes");
    set_bad("webhook_allow_private", "1");
}

static void test_set_invalid(void **state)
{
    (void)state;
    /* numbers: out of range, not a number, trailing junk, empty */
    static const char *const threads[] = {"257", "-1", "abc", "16x", "", "1.5", "0x10"};
    for (size_t i = 0; i < sizeof(threads) / sizeof(threads[0]); i++)
        set_bad("threads", threads[i]);
    set_bad("db_readers", "0");
    set_bad("db_readers", "513");
    set_bad("body_max", "1023");
    set_bad("body_max", "1073741825");
    set_bad("body_max", "99999999999999999999999");
    set_bad("session_ttl", "59");
    set_bad("session_ttl", "2592001");
    set_bad("session_ttl", "");
    /* enumerations */
    set_bad("sync", "FULL");
    set_bad("sync", "off");
    set_bad("sync", "");
    set_bad("log_level", "trace");
    set_bad("log_level", "INFO");
    set_bad("log_level", "");
    /* strings longer than their field */
    char big[600];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    set_bad("db", big);
    set_bad("data_dir", big);
    big[128] = '\0';
    set_bad("listen", big);
    /* unknown keys, named in the error */
    set_bad("port", "8080");
    set_bad("", "x");
    set_bad("DB", "sqlite:x.db");
    struct config c;
    struct err e = {0};
    config_defaults(&c);
    assert_int_equal(config_set(&c, "colour", "blue", &e), ERR_INVALID);
    assert_non_null(strstr(e.msg, "unknown setting 'colour'"));
}

/* ---- config files ---- */

static char *write_file(const char *text)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/gridgov-test-config.XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return path;
}

static void test_load_file(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    config_defaults(&c);
    char *path = write_file("# gridgov settings\n"
                            "\n"
                            "   \t\n"
                            "db = sqlite:/tmp/x.db   # the store\n"
                            "listen=0.0.0.0:9090\n"
                            "  threads   =   8  \n"
                            "#threads = 99\n"
                            "sync = full\n"
                            "log_level = warn\r\n"
                            "threads = 4\n"        /* later wins */
                            "session_ttl = 3600"); /* no final newline */
    assert_int_equal(config_load_file(&c, path, &e), ERR_OK);
    unlink(path);
    assert_string_equal(c.db, "sqlite:/tmp/x.db");
    assert_string_equal(c.listen, "0.0.0.0:9090");
    assert_int_equal(c.threads, 4);
    assert_int_equal(c.sync_full, 1);
    assert_string_equal(c.log_level, "warn");
    assert_int_equal(c.session_ttl, 3600);
    /* untouched keys keep their defaults */
    assert_string_equal(c.data_dir, "./gridgov-data");
    assert_int_equal(c.body_max, 1L << 20);

    /* an empty file, or only comments, changes nothing */
    struct config before;
    config_defaults(&c);
    before = c;
    path = write_file("# nothing\n\n# at all\n");
    assert_int_equal(config_load_file(&c, path, &e), ERR_OK);
    unlink(path);
    assert_memory_equal(&c, &before, sizeof(c));
}

static void test_load_file_errors(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    char want[128];

    /* an unknown key: the key is the field, the message names file and line */
    config_defaults(&c);
    char *path = write_file("# comment\ndb = sqlite:/tmp/y.db\n\ncolour = blue\nthreads = 2\n");
    assert_int_equal(config_load_file(&c, path, &e), ERR_INVALID);
    snprintf(want, sizeof(want), "%s:4:", path);
    if (strstr(e.msg, want) == NULL)
        fail_msg("message '%s' lacks '%s'", e.msg, want);
    assert_non_null(strstr(e.msg, "unknown setting 'colour'"));
    /* reading stops at the bad line: threads keeps its default */
    struct config d;
    config_defaults(&d);
    assert_int_equal(c.threads, d.threads);
    unlink(path);

    /* a bad value */
    memset(&e, 0, sizeof(e));
    config_defaults(&c);
    path = write_file("threads = 2\nthreads = lots\n");
    assert_int_equal(config_load_file(&c, path, &e), ERR_INVALID);
    snprintf(want, sizeof(want), "%s:2:", path);
    assert_non_null(strstr(e.msg, want));
    assert_non_null(strstr(e.msg, "threads must be a number"));
    unlink(path);

    /* a line without '=' */
    memset(&e, 0, sizeof(e));
    config_defaults(&c);
    path = write_file("\n\nthreads 2\n");
    assert_int_equal(config_load_file(&c, path, &e), ERR_INVALID);
    snprintf(want, sizeof(want), "%s:3:", path);
    assert_non_null(strstr(e.msg, want));
    assert_non_null(strstr(e.msg, "KEY = VALUE"));
    unlink(path);

    /* a missing file */
    memset(&e, 0, sizeof(e));
    assert_int_equal(config_load_file(&c, "/nonexistent/gridgov.conf", &e), ERR_NOT_FOUND);
    assert_non_null(strstr(e.msg, "/nonexistent/gridgov.conf"));
}

/* config.h: "Unknown keys are errors (field = key)", from a file as from a flag */
static void test_load_file_error_field(void **state)
{
    (void)state;
    struct config c;
    struct err e = {0};
    config_defaults(&c);
    char *path = write_file("colour = blue\n");
    assert_int_equal(config_load_file(&c, path, &e), ERR_INVALID);
    unlink(path);
    int kept = strcmp(e.field, "colour") == 0;
    memset(&e, 0, sizeof(e));
    path = write_file("threads = lots\n");
    assert_int_equal(config_load_file(&c, path, &e), ERR_INVALID);
    unlink(path);
    kept &= strcmp(e.field, "threads") == 0;
    regression(kept, "config_load_file loses e->field (the key) when it adds file:line: "
                     "err_set(e, e->code, e->field, ...) copies e->field onto itself");
}

static void test_load_env(void **state)
{
    (void)state;
    struct config c;
    config_defaults(&c);
    struct err e = {0};
    setenv("GRIDGOV_DB", "sqlite:/tmp/env.db", 1);
    setenv("GRIDGOV_LISTEN", "127.0.0.1:7070", 1);
    setenv("GRIDGOV_DATA_DIR", "", 1); /* empty: ignored */
    assert_int_equal(config_load_env(&c, &e), ERR_OK);
    assert_string_equal(c.db, "sqlite:/tmp/env.db");
    assert_string_equal(c.listen, "127.0.0.1:7070");
    assert_string_equal(c.log_level, "info");
    assert_string_equal(c.data_dir, "./gridgov-data");
    /* an invalid value is an error naming the variable, as a bad flag would be */
    setenv("GRIDGOV_LOG_LEVEL", "nonsense", 1);
    assert_int_equal(config_load_env(&c, &e), ERR_INVALID);
    assert_string_equal(e.field, "GRIDGOV_LOG_LEVEL");
    unsetenv("GRIDGOV_DB");
    unsetenv("GRIDGOV_LISTEN");
    unsetenv("GRIDGOV_LOG_LEVEL");
    unsetenv("GRIDGOV_DATA_DIR");
}

/* ---- HOST:PORT ---- */

static void split_ok(const char *listen, const char *host, int port)
{
    char h[64] = "";
    int p = -1;
    struct err e = {0};
    if (config_listen_split(listen, h, sizeof(h), &p, &e) != ERR_OK)
        fail_msg("'%s' rejected: %s", listen, e.msg);
    assert_string_equal(h, host);
    assert_int_equal(p, port);
}

static void split_bad(const char *listen)
{
    char h[64] = "";
    int p = -1;
    struct err e = {0};
    if (config_listen_split(listen, h, sizeof(h), &p, &e) != ERR_INVALID)
        fail_msg("'%s' accepted (host '%s', port %d)", listen, h, p);
    assert_string_equal(e.field, "listen");
    assert_int_equal(p, -1);
}

static void test_listen_split(void **state)
{
    (void)state;
    split_ok("127.0.0.1:8080", "127.0.0.1", 8080);
    split_ok("0.0.0.0:1", "0.0.0.0", 1);
    split_ok("10.1.2.3:65535", "10.1.2.3", 65535);
    split_ok("[::1]:8080", "::1", 8080);
    split_ok("[::]:80", "::", 80);
    split_ok("[fe80::1:2]:443", "fe80::1:2", 443);
    split_ok("localhost:8080", "127.0.0.1", 8080);
    split_ok("gridgov.example:8443", "gridgov.example", 8443);

    split_bad("127.0.0.1");
    split_bad("127.0.0.1:");
    split_bad("127.0.0.1:0");
    split_bad("127.0.0.1:65536");
    split_bad("127.0.0.1:-80");
    split_bad("127.0.0.1:80x");
    split_bad("127.0.0.1:http");
    split_bad("127.0.0.1:99999999999999999999");
    split_bad("[::1]");
    split_bad("[::1]8080");
    split_bad("[::1:8080");
    split_bad("[::1]:");
    split_bad("[::1]:0");
    split_bad("");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* settings */
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_set_valid),
        cmocka_unit_test(test_set_invalid),
        cmocka_unit_test(test_webhook_allow_private),
        /* files and environment */
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_load_file_errors),
        cmocka_unit_test(test_load_file_error_field),
        cmocka_unit_test(test_load_env),
        /* HOST:PORT */
        cmocka_unit_test(test_listen_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
