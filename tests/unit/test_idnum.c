/* test_idnum.c - identity numbers (src/domain/idnum.c): citizen identity numbers of GB 11643
 * (length, digits, region prefix, real birth date from 1900 to today, MOD 11-2 check character),
 * phone numbers, unified social credit codes of GB 32100 with their GB 11714 organisation codes,
 * and masks that never show more than they should, whatever the input. With IDNUM_CROSSCHECK naming
 * a file written by tests/unit/idnum_crosscheck.py, every number in it must get python3-stdnum's
 * verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/idnum.h"

static void id_ok(const char *in, const char *want)
{
    char out[19] = "junk";
    struct err e = {0};
    if (idcard_check(in, out, &e, "id_number") != ERR_OK)
        fail_msg("identity number '%s' rejected: %s", in, e.msg);
    assert_string_equal(out, want);
}

/* rejected with ERR_INVALID, field set, msg_part in the message, out left empty */
static void id_bad(const char *in, const char *msg_part)
{
    char out[19] = "junk";
    struct err e = {0};
    int rc = idcard_check(in, out, &e, "id_number");
    if (rc != ERR_INVALID)
        fail_msg("identity number '%s' gave %d, want ERR_INVALID", in ? in : "(null)", rc);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.field, "id_number");
    assert_string_equal(out, "");
    if (msg_part && strstr(e.msg, msg_part) == NULL)
        fail_msg("identity number '%s': message '%s' lacks '%s'", in, e.msg, msg_part);
}

static void phone_ok(const char *in, const char *want)
{
    char out[24] = "junk";
    struct err e = {0};
    if (phone_check(in, out, &e, "phone") != ERR_OK)
        fail_msg("phone '%s' rejected: %s", in, e.msg);
    assert_string_equal(out, want);
}

static void phone_bad(const char *in, const char *msg_part)
{
    char out[24] = "junk";
    struct err e = {0};
    int rc = phone_check(in, out, &e, "phone");
    if (rc != ERR_INVALID)
        fail_msg("phone '%s' gave %d, want ERR_INVALID", in ? in : "(null)", rc);
    assert_string_equal(e.field, "phone");
    assert_string_equal(out, "");
    if (msg_part && strstr(e.msg, msg_part) == NULL)
        fail_msg("phone '%s': message '%s' lacks '%s'", in, e.msg, msg_part);
}

static void cc_ok(const char *in, const char *want)
{
    char out[19] = "junk";
    struct err e = {0};
    if (credit_code_check(in, out, &e, "credit_code") != ERR_OK)
        fail_msg("credit code '%s' rejected: %s", in, e.msg);
    assert_string_equal(out, want);
}

static void cc_bad(const char *in, const char *msg_part)
{
    char out[19] = "junk";
    struct err e = {0};
    int rc = credit_code_check(in, out, &e, "credit_code");
    if (rc != ERR_INVALID)
        fail_msg("credit code '%s' gave %d, want ERR_INVALID", in ? in : "(null)", rc);
    assert_string_equal(e.field, "credit_code");
    assert_string_equal(out, "");
    if (msg_part && strstr(e.msg, msg_part) == NULL)
        fail_msg("credit code '%s': message '%s' lacks '%s'", in, e.msg, msg_part);
}

/* ---- identity numbers ---- */

static void test_idcard_valid(void **state)
{
    (void)state;
    id_ok("11010519491231002X", "11010519491231002X"); /* the example of GB 11643 */
    id_ok("330604199003071230", "330604199003071230");
    id_ok("330604199003070027", "330604199003070027");
    id_ok("360426199101010071", "360426199101010071"); /* python3-stdnum's example */
    id_ok("330604190001011233", "330604190001011233"); /* the first day accepted */
    id_ok("330604200002291237", "330604200002291237"); /* 2000 is a leap year */
    /* Taiwan, and the residence permits of Hong Kong, Macau and Taiwan residents */
    id_ok("710000199003071233", "710000199003071233");
    id_ok("810000199003071237", "810000199003071237");
    id_ok("820000199003071239", "820000199003071239");
    id_ok("830000199003071230", "830000199003071230");
    /* lower-case x upper-cased, surrounding whitespace trimmed */
    id_ok("11010519491231002x", "11010519491231002X");
    id_ok(" \t11010519491231002x\r\n", "11010519491231002X");
}

static void test_idcard_born_today(void **state)
{
    (void)state;
    /* today and tomorrow in China (UTC+8); run just before midnight the two calls could see
     * different days, so tomorrow is checked first */
    time_t t = time(NULL) + 8 * 3600 + 86400;
    struct tm tm;
    char id[19];
    gmtime_r(&t, &tm);
    strftime(id, sizeof(id), "330604%Y%m%d123?", &tm);
    id[17] = idcard_check_char(id);
    id_bad(id, "in the future");
    t -= 86400;
    gmtime_r(&t, &tm);
    strftime(id, sizeof(id), "330604%Y%m%d123?", &tm);
    id[17] = idcard_check_char(id);
    id_ok(id, id);
}

static void test_idcard_check_char(void **state)
{
    (void)state;
    id_bad("330604199003071234", "expected 0");
    id_bad("330604199003071234", "found 4");
    id_bad("110105194912310021", "expected X");
    id_bad("11010519491231002Y", "must end in a digit or X");
    assert_int_equal(idcard_check_char("11010519491231002"), 'X');
    assert_int_equal(idcard_check_char("33060419900307123"), '0');
    assert_int_equal(idcard_check_char("3306041990030712A"), 0);
    /* every single-digit change of a valid number is caught */
    const char *good = "330604199003071230";
    for (int i = 0; i < 18; i++) {
        for (char d = '0'; d <= '9'; d++) {
            char s[19];
            memcpy(s, good, sizeof(s));
            if (s[i] == d)
                continue;
            s[i] = d;
            char out[19];
            struct err e = {0};
            if (idcard_check(s, out, &e, "id_number") == ERR_OK)
                fail_msg("'%s', one digit off '%s', accepted", s, good);
        }
    }
}

static void test_idcard_birth_date(void **state)
{
    (void)state;
    id_bad("330604199002301233", "impossible birth date 1990-02-30");
    id_bad("330604190002291230", "impossible birth date 1900-02-29"); /* 1900 is not leap */
    id_bad("330604199013011231", "impossible birth date 1990-13-01");
    id_bad("330604199001001239", "impossible birth date 1990-01-00");
    id_bad("330604189912311239", "before 1900-01-01");
    id_bad("330604299901011238", "in the future");
}

static void test_idcard_region(void **state)
{
    (void)state;
    id_bad("990000199003071235", "begins with 99, which is no province-level region code");
    id_bad("10000019900307123X", "begins with 10");
    /* every prefix outside the list is refused, every one in it passes the region check */
    static const int known[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34,
                                35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                                53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83};
    for (int p = 0; p < 100; p++) {
        char body[18], id[19], out[19];
        struct err e = {0};
        snprintf(body, sizeof(body), "%02d000019900307123", p);
        snprintf(id, sizeof(id), "%s%c", body, idcard_check_char(body));
        int want = 0;
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            want |= known[i] == p;
        int rc = idcard_check(id, out, &e, "id_number");
        if ((rc == ERR_OK) != want)
            fail_msg("prefix %02d: '%s' gave %d (%s)", p, id, rc, e.msg);
    }
}

static void test_idcard_format(void **state)
{
    (void)state;
    id_bad(NULL, "is required");
    id_bad("", "is required");
    id_bad(" \t ", "is required");
    id_bad("33060419900307123", "not 17");
    id_bad("3306041990030712301", "not 19");
    id_bad("330604900307123", "not 15"); /* the old 15-digit number */
    id_bad("3306041990030A1230", "character 14 is no digit");
    id_bad("33060419900307X230", "character 15 is no digit");
    id_bad("330604 19900307123", "character 7 is no digit");
    id_bad("-33060419900307123", "character 1 is no digit");
    /* full-width digits: 18 characters, none ASCII */
    id_bad("\xef\xbc\x93\xef\xbc\x93\xef\xbc\x90\xef\xbc\x96\xef\xbc\x90\xef\xbc\x94"
           "199003071230",
           "character 1 is no digit");
    id_bad("33060419900307123\xc3\x97", "must end in a digit or X"); /* U+00D7 */
    /* 18 digits and a stray continuation byte count 18 characters */
    id_bad("330604199003071230\x80", "must be 17 digits");
    /* a NULL field names the default */
    char out[19];
    struct err e = {0};
    assert_int_equal(idcard_check("1", out, &e, NULL), ERR_INVALID);
    assert_string_equal(e.field, "id_number");
    assert_int_equal(idcard_check("1", out, NULL, "x"), ERR_INVALID); /* e may be NULL */
}

static void test_idcard_birth_gender(void **state)
{
    (void)state;
    char d[11] = "junk";
    idcard_birth("11010519491231002X", d);
    assert_string_equal(d, "1949-12-31");
    idcard_birth("330604200002291237", d);
    assert_string_equal(d, "2000-02-29");
    idcard_birth("3306041990", d);
    assert_string_equal(d, "");
    idcard_birth("330604199O03071230", d);
    assert_string_equal(d, "");
    idcard_birth(NULL, d);
    assert_string_equal(d, "");
    assert_string_equal(idcard_gender("11010519491231002X"), "female");
    assert_string_equal(idcard_gender("330604199003071230"), "male");
    assert_string_equal(idcard_gender("330604199003070027"), "female");
    assert_null(idcard_gender("3306041990030712"));
    assert_null(idcard_gender("3306041990030712X0"));
    assert_null(idcard_gender(NULL));
}

/* ---- phone numbers ---- */

static void test_phone_valid(void **state)
{
    (void)state;
    phone_ok("13812345678", "13812345678");
    phone_ok("19912345678", "19912345678");
    phone_ok("+8613812345678", "13812345678");
    phone_ok("8613812345678", "13812345678");
    phone_ok("+86 13812345678", "13812345678");
    phone_ok("+86-13812345678", "13812345678");
    phone_ok(" 13812345678\n", "13812345678");
    phone_ok("0575-82123456", "0575-82123456");
    phone_ok("0575 82123456", "0575-82123456");
    phone_ok("057582123456", "0575-82123456");
    phone_ok("0575-8212345", "0575-8212345");
    phone_ok("010-62345678", "010-62345678");
    phone_ok("01062345678", "010-62345678");
    phone_ok("021-2345678", "021-2345678");
    phone_ok("0575-82123456-8001", "0575-82123456-8001");
    phone_ok("057582123456-123456", "0575-82123456-123456");
}

static void test_phone_invalid(void **state)
{
    (void)state;
    phone_bad(NULL, "is required");
    phone_bad("  ", "is required");
    phone_bad("12812345678", "begins with 13 to 19, not 12");
    phone_bad("1381234567", "11 digits");
    phone_bad("138123456789", "11 digits");
    phone_bad("138 1234 5678", "11 digits");
    phone_bad("+12025550123", "only country code is +86");
    phone_bad("+852 91234567", "only country code is +86");
    phone_bad("0085291234567", "only country code is +86");
    phone_bad("+86 0575 82123456", "after +86 comes an 11-digit mobile");
    phone_bad("861234", "a mobile number has 11 digits");
    phone_bad("86-0575-82123456", "after +86 comes an 11-digit mobile");
    phone_bad("82123456", "neither a mobile number");
    phone_bad("(0575)82123456", "neither a mobile number");
    phone_bad("0575-1234567", "begins with 2 to 9");
    phone_bad("0575-823456", "7 or 8 digits");
    phone_bad("0575-821234567", "7 or 8 digits");
    phone_bad("0575--82123456", "7 or 8 digits");
    phone_bad("05-82123456", "area code");
    phone_bad("0575-82123456-", "extension");
    phone_bad("0575-82123456-1234567", "extension");
    phone_bad("0575-82123456 ext 1", "other than an extension");
    phone_bad("0575-82123456x", "other than an extension");
    phone_bad("0575-82123456-8001-1", "extension");
    phone_bad("1381234567\xef\xbc\x98", "11 digits"); /* a full-width 8 */
    phone_bad("0575-82123456-123456789012", "too long");
}

/* ---- unified social credit codes ---- */

static void test_credit_code_valid(void **state)
{
    (void)state;
    /* published codes of well-known companies, and python3-stdnum's example */
    cc_ok("914403001922038216", "914403001922038216");
    cc_ok("91440300708461136T", "91440300708461136T");
    cc_ok("91330100799655058B", "91330100799655058B");
    cc_ok("91110000600037341L", "91110000600037341L");
    /* made with the algorithm: registration authorities 9, Y, N, 1, 5; type 3 */
    cc_ok("91330604MA2BD7K16F", "91330604MA2BD7K16F");
    cc_ok("Y1330604MA2BD7K24L", "Y1330604MA2BD7K24L");
    cc_ok("N2330604MA2E3F4G7G", "N2330604MA2E3F4G7G");
    cc_ok("1233060400253871XY", "1233060400253871XY"); /* organisation code check X */
    cc_ok("52330604MJ9X12349B", "52330604MJ9X12349B");
    cc_ok("93330604MA2BDJ0Q6L", "93330604MA2BDJ0Q6L");
    /* lower case upper-cased, whitespace trimmed */
    cc_ok(" 91330604ma2bd7k16f\t", "91330604MA2BD7K16F");
    cc_ok("1233060400253871xy", "1233060400253871XY");
    assert_int_equal(credit_code_check_char("91330604MA2BD7K16"), 'F');
    assert_int_equal(credit_code_check_char("91330604ma2bd7k16"), 'F');
    assert_int_equal(credit_code_check_char("91330604MA2BD7KI6"), 0);
    assert_int_equal(orgcode_check_char("MA2BD7K1"), '6');
    assert_int_equal(orgcode_check_char("00253871"), 'X');
    assert_int_equal(orgcode_check_char("00000003"), '5'); /* 11 - 3 * 2 */
    assert_int_equal(orgcode_check_char("00000006"), 'X'); /* 11 - 12 mod 11 = 10 -> X */
    assert_int_equal(orgcode_check_char("00000000"), '0'); /* 11 -> 0 */
    assert_int_equal(orgcode_check_char("0025387a"), 0);
}

static void test_credit_code_invalid(void **state)
{
    (void)state;
    cc_bad(NULL, "is required");
    cc_bad("", "is required");
    cc_bad("91330604MA2BD7K16G", "bad check character: expected F");
    cc_bad("91330604MA2BD7K16G", "found G");
    cc_bad("91330100799655058C", "expected B");
    /* the final check character is right, the organisation code's is not */
    cc_bad("91330604MA2BD7K15C", "organisation code (characters 9-17) has a bad check "
                                 "character: expected 6, found 5");
    cc_bad("911100006000373451", "expected 1, found 5");
    cc_bad("91110000100000589B", "expected 5, found 9");
    /* letters the alphabet leaves out */
    cc_bad("91330604MA2BD7KI6F", "character 16 is I");
    cc_bad("91330604MA2BO7K16F", "character 13 is O");
    cc_bad("91330604MA2BD7K16Z", "character 18 is Z");
    cc_bad("9133060SMA2BD7K16F", "character 8 is S");
    cc_bad("V1330604MA2BD7K16F", "character 1 is V");
    cc_bad("91330604ma2bd7k16s", "character 18 is S");
    cc_bad("91330604MA2BD7K16-", "character 18 is neither");
    cc_bad("91330604MA2BD 7K16", "character 14 is neither");
    /* registration authority, type, division code */
    cc_bad("01330604MA2BD7K16F", "begins with 0, which is no registration authority");
    cc_bad("J1330604MA2BD7K16F", "begins with J");
    cc_bad("X1330604MA2BD7K16F", "begins with X");
    cc_bad("90330604MA2BD7K16F", "type of entity, must be a digit 1-9, not 0");
    cc_bad("9A330604MA2BD7K16F", "not A");
    cc_bad("913306A4MA2BD7K16F", "6-digit administrative division code");
    /* lengths */
    cc_bad("91330604MA2BD7K16", "not 17");
    cc_bad("91330604MA2BD7K16FF", "not 19");
    cc_bad("91330604MA2BD7K16\xc3\x89", "character 18 is neither"); /* U+00C9 */
    cc_bad("91330604MA2BD7K16F\x80", "must be 18 digits and capital letters");
}

/* ---- masks ---- */

/* characters of out other than '*' */
static size_t shown(const char *out)
{
    size_t k = 0;
    for (; *out; out++)
        k += *out != '*';
    return k;
}

static void test_mask_idcard(void **state)
{
    (void)state;
    char out[24];
    mask_idcard("330604199003071230", out);
    assert_string_equal(out, "330604********1230");
    mask_idcard("11010519491231002X", out);
    assert_string_equal(out, "110105********002X");
    mask_idcard("330604900307123", out); /* 15 digits */
    assert_string_equal(out, "330604*****7123");
    mask_idcard("33060490030712", out); /* 14: too short to show anything */
    assert_string_equal(out, "**************");
    mask_idcard("1234", out);
    assert_string_equal(out, "****");
    mask_idcard("", out);
    assert_string_equal(out, "");
    mask_idcard(NULL, out);
    assert_string_equal(out, "");
    mask_idcard("330604199003\xe4\xb8\x80"
                "71230",
                out); /* U+4E00: 18 characters */
    assert_string_equal(out, "******************");
    mask_idcard("330604 19900307123", out);
    assert_string_equal(out, "******************");
    mask_idcard("123456789012345678901234567890", out);
    assert_string_equal(out, "123456*************7890");
    char longer[200];
    memset(longer, '7', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    mask_idcard(longer, out);
    assert_int_equal(strlen(out), 23);
    memcpy(longer, "\xe4\xb8\x80", 3);
    mask_idcard(longer, out);
    assert_string_equal(out, "***********************");
}

static void test_mask_phone(void **state)
{
    (void)state;
    char out[32];
    mask_phone("13812345678", out);
    assert_string_equal(out, "138****5678");
    mask_phone("0575-82123456", out);
    assert_string_equal(out, "0575-******56");
    mask_phone("010-62345678", out);
    assert_string_equal(out, "010-******78");
    mask_phone("021-2345678", out);
    assert_string_equal(out, "021-*****78");
    mask_phone("057582123456", out);
    assert_string_equal(out, "0575******56");
    mask_phone("0575-82123456-8001", out);
    assert_string_equal(out, "0575-******56-****");
    mask_phone("+8613812345678", out);
    assert_string_equal(out, "+86*******5678");
    mask_phone("0575-12", out); /* too few local digits for a fixed line: last 2 only */
    assert_string_equal(out, "*****12");
    mask_phone("1234567", out);
    assert_string_equal(out, "*****67");
    mask_phone("123456", out);
    assert_string_equal(out, "******");
    mask_phone("", out);
    assert_string_equal(out, "");
    mask_phone(NULL, out);
    assert_string_equal(out, "");
    mask_phone("\xe6\x89\x8b\xe6\x9c\xba", out); /* 手机: 2 characters */
    assert_string_equal(out, "**");
    mask_phone("1381234567\xef\xbc\x98", out); /* a full-width 8 */
    assert_string_equal(out, "***********");
    mask_phone("13812345678\n", out);
    assert_string_equal(out, "************");
    char longer[100];
    memset(longer, '5', sizeof(longer) - 1);
    longer[sizeof(longer) - 1] = '\0';
    mask_phone(longer, out);
    assert_string_equal(out, "555************************5555");
    longer[0] = '0';
    mask_phone(longer, out); /* no fixed line of 99 characters */
    assert_string_equal(out, "055************************5555");
}

/* Random input of every kind: never more shown than the rules allow, never past the buffer. */
static void test_mask_random(void **state)
{
    (void)state;
    static const char pool[] = "0123456789012345678901234567890123456789-- +xX\xe4\xb8\x80\x80\n";
    unsigned seed = 12345;
    for (int round = 0; round < 200000; round++) {
        char in[48], id_out[24 + 8], ph_out[32 + 8];
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % 40;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            in[i] = pool[(seed >> 16) % (sizeof(pool) - 1)];
        }
        in[n] = '\0';
        memset(id_out, 'G', sizeof(id_out));
        memset(ph_out, 'G', sizeof(ph_out));
        mask_idcard(in, id_out);
        mask_phone(in, ph_out);
        if (id_out[23 + 1] != 'G' || ph_out[31 + 1] != 'G' || strlen(id_out) > 23 ||
            strlen(ph_out) > 31)
            fail_msg("mask of '%s' too long", in);
        if (shown(id_out) > (n < 15 ? 0 : 10))
            fail_msg("mask_idcard('%s') shows too much: '%s'", in, id_out);
        /* a fixed line shows its area code (at most 4), 2 digits and separators */
        size_t digits_shown = 0;
        for (const char *p = ph_out; *p; p++)
            digits_shown += *p != '*' && *p != '-' && *p != ' ';
        if (digits_shown > (n < 7 ? 0 : 7))
            fail_msg("mask_phone('%s') shows too much: '%s'", in, ph_out);
        for (const char *p = ph_out; *p; p++) {
            if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
                fail_msg("mask_phone('%s') gave a byte 0x%02x", in, (unsigned char)*p);
        }
    }
}

/* Random input for the checks: an accepted number checks again to itself, a refused one leaves
 * out empty and says why (and under ASan nothing is read or written out of bounds). */
static void test_check_random(void **state)
{
    (void)state;
    static const char pool[] = "0123456789012345678901234567890123456789ABCDEFGHJKLMNPQRTUWXY"
                               "xaIOZSV-+ \t\xe4\xb8\x80\x80";
    unsigned seed = 7064;
    for (int round = 0; round < 100000; round++) {
        char in[40], out[24], again[24];
        struct err e = {0};
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % 30;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            in[i] = pool[(seed >> 16) % (sizeof(pool) - 1)];
        }
        in[n] = '\0';
        int (*check[])(const char *, char *, struct err *,
                       const char *) = {idcard_check, phone_check, credit_code_check};
        for (int k = 0; k < 3; k++) {
            memset(out, 'G', sizeof(out));
            e.msg[0] = '\0';
            int rc = check[k](in, out, &e, "f");
            if (rc == ERR_OK) {
                if (check[k](out, again, &e, "f") != ERR_OK || strcmp(out, again) != 0)
                    fail_msg("check %d: '%s' gave '%s', which does not check again", k, in, out);
            } else if (rc != ERR_INVALID || out[0] != '\0' || e.msg[0] == '\0' ||
                       strcmp(e.field, "f") != 0) {
                fail_msg("check %d: '%s' gave %d, out '%.23s', message '%s'", k, in, rc, out,
                         e.msg);
            }
        }
    }
}

/* ---- python3-stdnum's verdicts ---- */

static void test_crosscheck_stdnum(void **state)
{
    (void)state;
    const char *path = getenv("IDNUM_CROSSCHECK");
    if (path == NULL || path[0] == '\0') {
        print_message("crosscheck: skipped (set IDNUM_CROSSCHECK to the file "
                      "tests/unit/idnum_crosscheck.py writes)\n");
        skip();
    }
    FILE *f = fopen(path, "r");
    if (f == NULL)
        fail_msg("cannot open IDNUM_CROSSCHECK=%s", path);
    char line[256];
    int lines = 0, ric = 0, uscc = 0, valid = 0, differ = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *number = strchr(line, '\t');
        char *verdict = number ? strchr(number + 1, '\t') : NULL;
        if (verdict == NULL || (verdict[1] != '0' && verdict[1] != '1') || verdict[2] != '\0')
            fail_msg("%s:%d: not KIND<TAB>NUMBER<TAB>0|1: '%s'", path, lines + 1, line);
        *number++ = '\0';
        *verdict++ = '\0';
        int want = *verdict == '1', got = 0;
        char out[19];
        struct err e = {0};
        if (strcmp(line, "ric") == 0) {
            got = idcard_check(number, out, &e, "id_number") == ERR_OK;
            ric++;
        } else if (strcmp(line, "uscc") == 0) {
            got = credit_code_check(number, out, &e, "credit_code") == ERR_OK;
            uscc++;
        } else {
            fail_msg("%s:%d: unknown kind '%s'", path, lines + 1, line);
        }
        lines++;
        valid += want;
        if (got != want && differ++ < 10)
            print_message("crosscheck: %s '%s': stdnum %s, we %s (%s)\n", line, number,
                          want ? "accepts" : "rejects", got ? "accept" : "reject",
                          got ? "ok" : e.msg);
    }
    fclose(f);
    print_message("crosscheck: %d identity numbers, %d credit codes (%d valid), %d disagree\n", ric,
                  uscc, valid, differ);
    assert_true(ric > 0 && uscc > 0);
    assert_int_equal(differ, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idcard_valid),        cmocka_unit_test(test_idcard_born_today),
        cmocka_unit_test(test_idcard_check_char),   cmocka_unit_test(test_idcard_birth_date),
        cmocka_unit_test(test_idcard_region),       cmocka_unit_test(test_idcard_format),
        cmocka_unit_test(test_idcard_birth_gender), cmocka_unit_test(test_phone_valid),
        cmocka_unit_test(test_phone_invalid),       cmocka_unit_test(test_credit_code_valid),
        cmocka_unit_test(test_credit_code_invalid), cmocka_unit_test(test_mask_idcard),
        cmocka_unit_test(test_mask_phone),          cmocka_unit_test(test_mask_random),
        cmocka_unit_test(test_check_random),        cmocka_unit_test(test_crosscheck_stdnum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
