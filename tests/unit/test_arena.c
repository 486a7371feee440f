/* test_arena.c - the request arena (src/core/arena.c) and the capped buffer (src/core/buf.c):
 * alignment, zeroing, large allocations, the arena limit, and the buffer cap that never
 * changes content on failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"

#define ALIGN _Alignof(max_align_t)

/* A rule src/ once broke: kept as a regression test. */
static void regression(int ok, const char *what)
{
    if (!ok)
        fail_msg("regression: %s", what);
}

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0)
            return 0;
    }
    return 1;
}

/* ---- arena ---- */

static void test_arena_alignment(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    /* odd sizes must not push later allocations off max_align_t alignment */
    for (size_t n = 1; n <= 257; n++) {
        unsigned char *p = arena_alloc(&a, n);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % ALIGN, 0);
        assert_true(all_zero(p, n));
        memset(p, 0xAB, n);
    }
    /* strings too: a string may be reused as a struct by a caller */
    for (int i = 0; i < 100; i++) {
        char *s = arena_strdup(&a, "x");
        assert_int_equal((uintptr_t)s % ALIGN, 0);
        long double *d = arena_alloc(&a, sizeof(long double));
        assert_int_equal((uintptr_t)d % _Alignof(long double), 0);
        *d = (long double)i;
    }
    arena_free(&a);
}

static void test_arena_zeroed_and_distinct(void **state)
{
    (void)state;
    struct arena a;
    unsigned char *ptrs[400];
    arena_init(&a, 0);
    /* many small allocations across several blocks: each zeroed, none overlapping */
    for (int i = 0; i < 400; i++) {
        ptrs[i] = arena_alloc(&a, 100);
        assert_non_null(ptrs[i]);
        assert_true(all_zero(ptrs[i], 100));
        memset(ptrs[i], i & 0xFF, 100);
    }
    for (int i = 0; i < 400; i++) {
        for (int k = 0; k < 100; k++)
            assert_int_equal(ptrs[i][k], i & 0xFF);
    }
    assert_true(a.used >= 400 * 100);
    arena_free(&a);
    assert_null(a.head);
    assert_int_equal(a.used, 0);
    /* usable again after arena_free */
    assert_non_null(arena_alloc(&a, 10));
    arena_free(&a);
}

static void test_arena_large(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    unsigned char *small = arena_alloc(&a, 16);
    memset(small, 1, 16);
    /* larger than any block: a block of its own, fully usable and zeroed */
    const size_t sizes[] = {8192, 8193, 100000, 1u << 20, (1u << 20) + 1, 16u << 20};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *p = arena_alloc(&a, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % ALIGN, 0);
        assert_true(p[0] == 0 && p[sizes[i] - 1] == 0);
        memset(p, 0x5A, sizes[i]); /* ASan catches a short block */
        assert_int_equal(p[sizes[i] - 1], 0x5A);
    }
    /* the earlier small allocation is untouched, and small ones still work after large ones */
    for (int k = 0; k < 16; k++)
        assert_int_equal(small[k], 1);
    char *s = arena_strdup(&a, "after");
    assert_string_equal(s, "after");
    arena_free(&a);
}

static void test_arena_strings(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    assert_null(arena_strdup(&a, NULL));
    assert_string_equal(arena_strdup(&a, ""), "");
    assert_string_equal(arena_strdup(&a, "网格"), "网格");
    assert_string_equal(arena_strndup(&a, "330604002", 6), "330604");
    char *p = arena_printf(&a, "%s-%03d", "grid", 7);
    assert_string_equal(p, "grid-007");
    /* longer than a block */
    char big[20000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char *q = arena_printf(&a, "%s!", big);
    assert_int_equal(strlen(q), sizeof(big));
    assert_int_equal(q[sizeof(big) - 1], '!');
    arena_free(&a);
}

static void test_arena_limit(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 1024);
    assert_non_null(arena_alloc(&a, 1000));
    size_t used = a.used;
    /* passing the cap returns NULL and counts nothing */
    assert_null(arena_alloc(&a, 100));
    assert_int_equal(a.used, used);
    assert_null(arena_strdup(&a, "a string that is long enough to pass the remaining room......"));
    assert_null(arena_printf(&a, "%0100d", 1));
    assert_int_equal(a.used, used);
    /* what still fits is still given */
    assert_non_null(arena_alloc(&a, 1024 - used));
    assert_int_equal(a.used, 1024);
    assert_null(arena_alloc(&a, 1));
    arena_free(&a);

    /* a single allocation larger than the cap */
    arena_init(&a, 4096);
    assert_null(arena_alloc(&a, 4097));
    assert_non_null(arena_alloc(&a, 4096));
    arena_free(&a);

    /* limit 0 = none */
    arena_init(&a, 0);
    assert_non_null(arena_alloc(&a, 4u << 20));
    arena_free(&a);
}

static void test_arena_limit_huge_size(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 1 << 20);
    /* "returns NULL only if the cap would be passed": SIZE_MAX passes any cap */
    void *p = arena_alloc(&a, SIZE_MAX);
    arena_free(&a);
    regression(p == NULL, "arena_alloc(SIZE_MAX) under a 1 MiB limit returns a non-NULL pointer "
                          "(size rounding wraps to 0 in arena.c arena_alloc)");
}

/* ---- buf ---- */

static void test_buf_basic(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1024);
    assert_int_equal(buf_puts(&b, "330604"), 0);
    assert_int_equal(buf_add(&b, "002", 3), 0);
    assert_int_equal(buf_printf(&b, "-%d", 7), 0);
    assert_int_equal(b.len, 11);
    assert_string_equal(b.data, "330604002-7");
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(buf_puts(&b, "again"), 0);
    assert_string_equal(b.data, "again");
    char *s = buf_steal(&b);
    assert_string_equal(s, "again");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    free(s);
    /* stealing an empty buffer gives an empty, freeable string */
    s = buf_steal(&b);
    assert_string_equal(s, "");
    free(s);
    buf_free(&b);
}

static void test_buf_growth(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(buf_add(&b, "0123456789", 10), 0);
    assert_int_equal(b.len, 100000);
    assert_int_equal(b.data[b.len], '\0');
    for (size_t i = 0; i < b.len; i++)
        assert_int_equal(b.data[i], '0' + (int)(i % 10));
    assert_true(b.cap <= b.max);
    buf_free(&b);
}

static void test_buf_cap(void **state)
{
    (void)state;
    struct buf b;
    /* the cap counts the terminating NUL: 16 holds 15 bytes (req.c sizes it body_max + 1) */
    buf_init(&b, 16);
    assert_int_equal(buf_puts(&b, "0123456789"), 0);
    assert_int_equal(buf_add(&b, "abcdef", 6), -1);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    assert_int_equal(buf_printf(&b, "%s", "abcdef"), -1);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789");
    assert_int_equal(buf_puts(&b, "abcde"), 0);
    assert_int_equal(b.len, 15);
    assert_string_equal(b.data, "0123456789abcde");
    assert_true(b.cap <= 16);
    assert_int_equal(buf_add(&b, "x", 1), -1);
    assert_int_equal(buf_printf(&b, "x"), -1);
    assert_string_equal(b.data, "0123456789abcde");
    assert_int_equal(b.len, 15);
    /* appending nothing at the cap is fine */
    assert_int_equal(buf_add(&b, "", 0), 0);
    buf_free(&b);

    /* a first append larger than the cap leaves the buffer empty */
    buf_init(&b, 8);
    assert_int_equal(buf_puts(&b, "too long for it"), -1);
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_printf(&b, "%d", 123456789), -1);
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_printf(&b, "%d", 1234567), 0);
    assert_string_equal(b.data, "1234567");
    buf_free(&b);

    /* a large cap is reached exactly, then refused */
    buf_init(&b, 4097);
    char chunk[1024];
    memset(chunk, 'z', sizeof(chunk));
    for (int i = 0; i < 4; i++)
        assert_int_equal(buf_add(&b, chunk, sizeof(chunk)), 0);
    assert_int_equal(b.len, 4096);
    assert_int_equal(buf_add(&b, "y", 1), -1);
    assert_int_equal(b.len, 4096);
    assert_int_equal(b.data[4095], 'z');
    assert_int_equal(b.data[4096], '\0');
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        /* arena */
        cmocka_unit_test(test_arena_alignment),
        cmocka_unit_test(test_arena_zeroed_and_distinct),
        cmocka_unit_test(test_arena_large),
        cmocka_unit_test(test_arena_strings),
        cmocka_unit_test(test_arena_limit),
        cmocka_unit_test(test_arena_limit_huge_size),
        /* buf */
        cmocka_unit_test(test_buf_basic),
        cmocka_unit_test(test_buf_growth),
        cmocka_unit_test(test_buf_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
