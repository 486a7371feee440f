/* test_registry.c - the registry engine: every registry's declaration is sound, personal fields
 * never leave unmasked without the pii verb and a purpose, input is read and checked as
 * documented, and on a store: sealed at rest, found by hash, unique, scoped, imported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/util.h"
#include "domain/idnum.h"
#include "domain/people.h"
#include "domain/pii.h"
#include "testdb.h"

#define GRID1 "330604002007001"
#define GRID2 "330604002007002"

/* ---- declarations ---- */

static void test_every_registry_is_sound(void **state)
{
    (void)state;
    for (int id = REG_NONE + 1; id < REG__COUNT; id++) {
        const struct registry *r = registry_get(id);
        assert_non_null(r);
        assert_int_equal(r->id, id);
        assert_ptr_equal(registry_find(r->name), r);
        assert_true(r->nfields > 0 && r->label[0] && r->label_en[0] && r->table[0]);
        /* integer keys are named id (db_insert); text keys are one of the fields */
        if (r->key_text)
            assert_true(registry_field_index(r, r->key) >= 0);
        else
            assert_string_equal(r->key, "id");
        int scoped = 0;
        for (int i = 0; i < r->nfields; i++) {
            const struct reg_field *f = &r->fields[i];
            if (f->name == NULL || f->label == NULL || f->label_en == NULL)
                fail_msg("%s field %d lacks a name or a label", r->name, i);
            assert_int_equal(registry_field_index(r, f->name), i); /* names are unique */
            if ((f->flags & F_PII) && (f->mask == NULL || f->check == NULL))
                fail_msg("%s.%s is personal but has no mask or no check", r->name, f->name);
            if ((f->flags & F_PII) && (f->flags & (F_SEARCH | F_PUBLIC)))
                fail_msg("%s.%s is personal: never searched by text nor public", r->name, f->name);
            if (f->type == FT_REF && registry_find(f->ref) == NULL)
                fail_msg("%s.%s refers to no registry '%s'", r->name, f->name, f->ref);
            if (f->type == FT_ENUM && f->options == NULL)
                fail_msg("%s.%s is an enum without options", r->name, f->name);
            if (f->type == FT_CODES && (f->link_table == NULL || f->link_owner == NULL))
                fail_msg("%s.%s is a list of codes without its link table", r->name, f->name);
            scoped += (f->flags & F_SCOPE) != 0;
        }
        if (r->scope == RS_PLACE && scoped == 0)
            fail_msg("%s is scoped by place but no field says where", r->name);
        for (int role = 0; role < ROLE__COUNT; role++) {
            /* any other verb needs reading; pii needs reading too */
            if (r->grants[role] && !(r->grants[role] & V_READ))
                fail_msg("%s: role %s may act without reading", r->name, role_name(role));
        }
    }
}

/* ---- personal data is masked unless the pii verb and a purpose ---- */

/* a plain value each check accepts: an identity number or a phone */
static const char *sample_for(const struct reg_field *f)
{
    static const char *const samples[] = {"11010519491231002X", "13812345678"};
    for (size_t i = 0; i < ARRAY_LEN(samples); i++) {
        char out[64];
        struct err e = {0};
        if (f->check(samples[i], out, sizeof(out), f->name, &e) == ERR_OK)
            return samples[i];
    }
    return NULL;
}

static void test_personal_fields_masked_without_pii(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    for (int id = REG_NONE + 1; id < REG__COUNT; id++) {
        const struct registry *r = registry_get(id);
        struct reg_rec rec;
        reg_rec_init(r, &a, &rec);
        rec.key = "1";
        rec.id = 1;
        int personal = 0;
        for (int i = 0; i < r->nfields; i++) {
            if (!(r->fields[i].flags & F_PII))
                continue;
            rec.v[i] = sample_for(&r->fields[i]);
            if (rec.v[i] == NULL)
                fail_msg("%s.%s: no sample passes its check", r->name, r->fields[i].name);
            personal++;
        }
        if (!personal)
            continue;
        for (int role = 0; role < ROLE__COUNT; role++) {
            struct role_grant g = {.role = (enum role)role, .scope = "330604", .place = "330604"};
            struct user u = {.id = 1, .username = "t", .roles = &g, .nroles = 1};
            for (int with_purpose = 0; with_purpose < 2; with_purpose++) {
                const char *purpose = with_purpose ? "核查" : NULL;
                struct reg_ctx c = {.a = &a, .user = &u};
                c.unmask = reg_unmask_allowed(&u, r, purpose);
                if (c.unmask && !(r->grants[role] & V_PII))
                    fail_msg("%s: role %s unmasks without the pii verb", r->name, role_name(role));
                struct jsonw w;
                jw_init(&w, 1 << 16);
                reg_write_json(&w, &c, r, &rec);
                buf_add(&w.b, "", 1);
                for (int i = 0; i < r->nfields; i++) {
                    if (!(r->fields[i].flags & F_PII))
                        continue;
                    int shown = strstr(w.b.data, rec.v[i]) != NULL;
                    if (shown != c.unmask)
                        fail_msg("%s.%s for %s (purpose %s): %s", r->name, r->fields[i].name,
                                 role_name(role), purpose ? "given" : "none", w.b.data);
                    /* the CSV/XLSX cell follows the same rule */
                    shown = strcmp(reg_value_text(&c, r, i, &rec), rec.v[i]) == 0;
                    assert_int_equal(shown, c.unmask);
                }
                buf_free(&w.b);
            }
        }
    }
    arena_free(&a);
}

/* ---- input ---- */

static int from_json(const char *text, struct reg_rec *rec, struct arena *a, struct err *e)
{
    json_t *o = json_loads(text, 0, NULL);
    assert_non_null(o);
    reg_rec_init(&reg_residents, a, rec);
    int rc = reg_from_json(&reg_residents, a, o, rec, e);
    if (rc == ERR_OK)
        rc = reg_check(&reg_residents, a, rec, 1, e);
    /* the values point into o: keep it for the arena's life */
    json_decref(o);
    return rc;
}

static void expect_invalid(const char *text, const char *field)
{
    struct arena a;
    struct reg_rec rec;
    struct err e = {0};
    arena_init(&a, 0);
    int rc = from_json(text, &rec, &a, &e);
    if (rc != ERR_INVALID || strcmp(e.field, field) != 0)
        fail_msg("%s: expected 422 on %s, got %d on '%s' (%s)", text, field, rc, e.field, e.msg);
    arena_free(&a);
}

static void test_input_errors_name_the_field(void **state)
{
    (void)state;
    expect_invalid("{\"name\":\"张三\",\"place\":\"" GRID1 "\",\"nick\":\"x\"}", "nick");
    expect_invalid("{\"name\":1,\"place\":\"" GRID1 "\"}", "name");
    expect_invalid("{\"name\":\"张三\",\"place\":\"" GRID1 "\",\"household\":\"3\"}", "household");
    expect_invalid("{\"name\":\"张三\",\"place\":\"" GRID1 "\",\"gender\":\"male\"}", "gender");
    expect_invalid("{\"name\":\"张三\",\"place\":\"" GRID1 "\",\"tags\":\"志愿者\"}", "tags");
    expect_invalid("{\"place\":\"" GRID1 "\"}", "name");
    expect_invalid("{\"name\":\"  \",\"place\":\"" GRID1 "\"}", "name");
    expect_invalid("{\"name\":\"张三\"}", "place");
    expect_invalid("{\"name\":\"张三\",\"place\":\"330604002\"}", "place"); /* a town */
    expect_invalid("{\"name\":\"张三\",\"place\":\"33060400200A\"}", "place");
    expect_invalid("{\"name\":\"张三\",\"place\":\"" GRID1 "\",\"kind\":\"visitor\"}", "kind");
    expect_invalid("{\"name\":\"张三\",\"place\":\"" GRID1
                   "\",\"id_number\":\"110105194912310021\"}",
                   "id_number"); /* check digit */
    expect_invalid("{\"name\":\"张三\",\"place\":\"" GRID1
                   "\",\"id_number\":\"330604199002301234\"}",
                   "id_number"); /* 30 February */
    expect_invalid("{\"name\":\"张三\",\"place\":\"" GRID1 "\",\"phone\":\"12345\"}", "phone");
    char long_name[200] = "{\"place\":\"" GRID1 "\",\"name\":\"";
    for (int i = 0; i < 41; i++)
        strcat(long_name, "a");
    strcat(long_name, "\"}");
    expect_invalid(long_name, "name");
}

static void test_input_normalised(void **state)
{
    (void)state;
    struct arena a;
    struct reg_rec rec;
    struct err e = {0};
    arena_init(&a, 0);
    assert_int_equal(from_json("{\"name\":\" 张三 \",\"place\":\"" GRID1
                               "\",\"id_number\":\"11010519491231002x\",\"kind\":\"新居民\","
                               "\"phone\":\"+86 13812345678\"}",
                               &rec, &a, &e),
                     ERR_OK);
    assert_string_equal(rec.v[RES_NAME], "张三");
    assert_string_equal(rec.v[RES_ID_NUMBER], "11010519491231002X");
    assert_string_equal(rec.v[RES_KIND], "new");
    assert_string_equal(rec.v[RES_PHONE], "13812345678");
    assert_string_equal(rec.v[RES_TAGS], "[]"); /* the default */
    arena_free(&a);
}

/* ---- on a store ---- */

struct fixture {
    char dir[64];
    struct store *s;
};

static int places_fn(struct db *db, void *arg, struct err *e)
{
    static const char *const rows[][3] = {
        {"330604", NULL, "district"},
        {"330604002", "330604", "town"},
        {"330604002007", "330604002", "community"},
        {GRID1, "330604002007", "grid"},
        {GRID2, "330604002007", "grid"},
    };
    (void)arg;
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        int rc = db_exec(db, e,
                         "INSERT INTO places (code, parent_code, level, kind, name, county, "
                         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, '330604', 0, 0)",
                         DB_ARGS(DBS(rows[i][0]), DBS(rows[i][1]), DBS(rows[i][2]), DBS(rows[i][2]),
                                 DBS(rows[i][0])));
        if (rc < 0)
            return rc;
    }
    return ERR_OK;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct err e = {0};
    static const unsigned char key[32] = {7};
    char dsn[128];
    snprintf(f->dir, sizeof(f->dir), "/tmp/gridgov-test-registry.XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(dsn, sizeof(dsn), "sqlite:%s/t.db", f->dir);
    struct store_config cfg = {.dsn = dsn, .readers = 2};
    if ((f->s = store_open(&cfg, &e)) == NULL || store_write(f->s, places_fn, NULL, &e) != ERR_OK)
        return -1;
    pii_init_fixed(key);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    store_close(f->s);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cannot remove %s\n", f->dir);
    free(f);
    return 0;
}

struct create {
    struct reg_ctx *c;
    const char *json;
    struct reg_rec rec;
};

static int create_fn(struct db *db, void *arg, struct err *e)
{
    struct create *w = arg;
    json_t *o = json_loads(w->json, 0, NULL);
    int rc = reg_create_json(db, w->c, &reg_residents, o, &w->rec, e);
    json_decref(o);
    return rc;
}

static int create(struct store *s, struct reg_ctx *c, const char *json, struct reg_rec *out,
                  struct err *e)
{
    struct create w = {c, json, {0}};
    int rc = store_write(s, create_fn, &w, e);
    if (out)
        *out = w.rec;
    return rc;
}

static void test_store_sealed_unique_scoped(void **state)
{
    struct fixture *f = *state;
    struct arena a;
    struct err e = {0};
    struct reg_rec rec, got, *list;
    const char *next;
    int n;
    arena_init(&a, 0);
    struct reg_ctx sys = {.a = &a};

    assert_int_equal(create(f->s, &sys,
                            "{\"name\":\"张三\",\"place\":\"" GRID1 "\",\"id_number\":"
                            "\"11010519491231002X\",\"phone\":\"13812345678\"}",
                            &rec, &e),
                     ERR_OK);
    assert_int_equal(create(f->s, &sys,
                            "{\"name\":\"李四\",\"place\":\"" GRID2 "\",\"phone\":\"13900001111\"}",
                            NULL, &e),
                     ERR_OK);
    /* at rest: sealed, with a hash beside it; no clear number anywhere in the row */
    char *stored = qtext(f->s, "SELECT id_number || '|' || id_number_hash || '|' || phone || '|' "
                               "|| gender || '|' || birth_date FROM residents WHERE name = '张三'");
    assert_null(strstr(stored, "11010519491231002X"));
    assert_null(strstr(stored, "13812345678"));
    assert_non_null(strstr(stored, "female|1949-12-31"));
    free(stored);

    /* the same number again: 409 naming the field and the record that holds it */
    assert_int_equal(create(f->s, &sys,
                            "{\"name\":\"王五\",\"place\":\"" GRID2 "\",\"id_number\":"
                            "\"11010519491231002x\"}",
                            NULL, &e),
                     ERR_CONFLICT);
    assert_string_equal(e.field, "id_number");
    assert_non_null(strstr(e.msg, rec.key));

    struct db *db = store_acquire(f->s);
    /* found by the hash of the normalised number */
    const char *names[] = {"id_number"}, *values[] = {"11010519491231002x"};
    struct reg_query q = {
        .all_scope = 1, .filter_names = names, .filter_values = values, .nfilters = 1};
    assert_int_equal(reg_list(db, &sys, &reg_residents, &q, &list, &n, &next, &e), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].v[RES_ID_NUMBER], "11010519491231002X");

    /* a grid worker of grid 1: its resident only, the other one is outside its scope */
    struct role_grant g = {.role = ROLE_GRID_WORKER, .scope = GRID1, .place = GRID1};
    struct user u = {.id = 9, .username = "gw", .roles = &g, .nroles = 1};
    struct reg_ctx gw = {.a = &a, .user = &u, .user_id = 9, .enforce = 1};
    struct reg_query all = {.limit = 100};
    assert_int_equal(reg_list(db, &gw, &reg_residents, &all, &list, &n, &next, &e), ERR_OK);
    assert_int_equal(n, 1);
    assert_string_equal(list[0].v[RES_NAME], "张三");
    char other[24];
    snprintf(other, sizeof(other), "%lld", (long long)(rec.id + 1));
    assert_int_equal(reg_get(db, &gw, &reg_residents, other, &got, &e), ERR_FORBIDDEN);
    assert_int_equal(reg_get(db, &gw, &reg_residents, rec.key, &got, &e), ERR_OK);
    /* a commissioner reaches no resident at all */
    struct role_grant cg = {
        .role = ROLE_COMMISSIONER, .scope = "compound:1", .place = GRID1, .compound = 1};
    struct user cu = {.id = 10, .username = "c", .roles = &cg, .nroles = 1};
    struct reg_ctx cc = {.a = &a, .user = &cu, .enforce = 1};
    assert_false(reg_may(&cu, &reg_residents, V_READ));
    assert_int_equal(reg_list(db, &cc, &reg_residents, &all, &list, &n, &next, &e), ERR_OK);
    assert_int_equal(n, 0);
    store_release(f->s, db);

    /* the grid worker cannot create one on the other grid */
    assert_int_equal(create(f->s, &gw, "{\"name\":\"赵六\",\"place\":\"" GRID2 "\"}", NULL, &e),
                     ERR_FORBIDDEN);
    assert_int_equal(create(f->s, &gw, "{\"name\":\"赵六\",\"place\":\"" GRID1 "\"}", NULL, &e),
                     ERR_OK);
    arena_free(&a);
}

static void test_import_dry_run_valid_only(void **state)
{
    struct fixture *f = *state;
    struct arena a;
    struct err e = {0};
    struct reg_import_report rep;
    char id1[19] = "33060419800101001", id2[19] = "33060419800101002";
    id1[17] = idcard_check_char(id1);
    id2[17] = idcard_check_char(id2);
    char *csv = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&csv, &len);
    fprintf(m, "姓名,身份证号,手机号,网格,住址,类别\r\n");
    fprintf(m, "甲一,%s,13800000001," GRID1 ",一号,户籍居民\r\n", id1);
    fprintf(m, "甲二,330604199002301234,13800000002," GRID1 ",二号,新居民\r\n"); /* 30 Feb */
    fprintf(m, "甲三,%s,13800000003," GRID2 ",\"三号,东\",new\r\n", id2);
    fprintf(m, "甲四,%s,13800000004," GRID2 ",四号,local\r\n", id2); /* twice in the file */
    fclose(m);
    arena_init(&a, 0);
    struct reg_ctx sys = {.a = &a};
    sql(f->s, "DELETE FROM registrations"); /* a clean slate of people */
    int64_t before = qint(f->s, "SELECT count(*) FROM residents");

    static const unsigned modes[] = {IMPORT_DRY_RUN, 0, IMPORT_VALID_ONLY};
    for (size_t k = 0; k < ARRAY_LEN(modes); k++) {
        struct csv_reader *r = csv_open_mem(csv, len, CSV_ENC_AUTO, &e);
        assert_non_null(r);
        int rc = reg_import(f->s, &sys, &reg_residents, r, modes[k], NULL, &rep, NULL, NULL, &e);
        csv_close(r);
        assert_int_equal(rep.rows, 4);
        assert_int_equal(rep.error_count, 2);
        assert_int_equal(rep.errors[0].row, 3);
        assert_string_equal(rep.errors[0].column, "身份证号");
        assert_int_equal(rep.errors[1].row, 5);
        assert_string_equal(rep.errors[1].field, "id_number");
        if (modes[k] == IMPORT_VALID_ONLY) {
            assert_int_equal(rc, ERR_OK);
            assert_int_equal(rep.stored, 2);
            assert_int_equal(qint(f->s, "SELECT count(*) FROM residents"), before + 2);
        } else {
            /* a dry run reports; a real run with bad rows stores nothing */
            assert_int_equal(rc, modes[k] == IMPORT_DRY_RUN ? ERR_OK : ERR_INVALID);
            assert_int_equal(rep.stored, 0);
            assert_int_equal(qint(f->s, "SELECT count(*) FROM residents"), before);
        }
    }
    assert_int_equal(qint(f->s, "SELECT count(*) FROM residents WHERE kind = 'new' AND address "
                                "= '三号,东'"),
                     1);

    /* an unknown header stops the import before any row */
    static const char bad[] = "姓名,网格,昵称\n乙,330604002007001,x\n";
    struct csv_reader *r = csv_open_mem(bad, strlen(bad), CSV_ENC_AUTO, &e);
    assert_int_equal(reg_import(f->s, &sys, &reg_residents, r, 0, NULL, &rep, NULL, NULL, &e),
                     ERR_INVALID);
    csv_close(r);
    assert_int_equal(rep.nerrors, 1);
    assert_string_equal(rep.errors[0].column, "昵称");
    free(csv);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_registry_is_sound),
        cmocka_unit_test(test_personal_fields_masked_without_pii),
        cmocka_unit_test(test_input_errors_name_the_field),
        cmocka_unit_test(test_input_normalised),
        cmocka_unit_test_setup_teardown(test_store_sealed_unique_scoped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_dry_run_valid_only, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
