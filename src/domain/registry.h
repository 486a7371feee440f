/* registry.h - registries declared as data and the one engine that serves them all.
 *
 * A registry (residents, households, compounds, departments ...) is a row of registries.def and a
 * `struct registry` beside its own rules: its table, its scope kind, what each role may do with it
 * (verbs), and a field table. The engine (registry.c) reads and writes every registry from that
 * table: JSON and CSV in (unknown keys, types, lengths, checks: 422 naming the field), JSON and
 * CSV/XLSX out (personal fields sealed at rest, looked up by a keyed hash, masked unless the
 * caller may and says why), scope filtering and cursors in SQL. The HTTP routes of every
 * registry are generated from registries.def (http/router.c), the CLI's import and export
 * (cli/cmd_registry.c) and the web page's screens (GET /api/v1/registries) read the same table.
 *
 * Models: Redis's command table, SQLite's pragma table, kore's validators beside routes and
 * Fossil's ticket fields read from a table. */
#ifndef GG_REGISTRY_H
#define GG_REGISTRY_H

#include <stdint.h>
#include <stdio.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/jsonw.h"
#include "core/sheet.h"
#include "domain/authz.h"
#include "store/store.h"

#include <jansson.h>

/* What a role may do with a registry: the verbs of its permission (registry x verb). */
enum reg_verb {
    V_READ = 1 << 0,   /* get and list inside the scope */
    V_WRITE = 1 << 1,  /* create, update, delete or archive inside the scope */
    V_IMPORT = 1 << 2, /* CSV import */
    V_EXPORT = 1 << 3, /* CSV/XLSX export (masked without V_PII) */
    V_PII = 1 << 4,    /* unmasked personal fields, each read audited */
};
#define V_ALL (V_READ | V_WRITE | V_IMPORT | V_EXPORT | V_PII)
#define REG_VERB_MAP(X)                                                                            \
    X(V_READ, "read")                                                                              \
    X(V_WRITE, "write") X(V_IMPORT, "import") X(V_EXPORT, "export") X(V_PII, "pii")

enum fld_type {
    FT_TEXT,  /* a string of at most max characters */
    FT_INT,   /* an integer in [min, max] */
    FT_BOOL,  /* true/false (CSV: 1/0, true/false, 是/否) */
    FT_DATE,  /* YYYY-MM-DD */
    FT_PLACE, /* a place code; levels limits its level */
    FT_REF,   /* the id of a record of registry `ref` */
    FT_ENUM,  /* one of options */
    FT_TAGS,  /* a list of short strings, stored as a JSON array */
    FT_CODES, /* a list of place codes, stored in a link table */
    FT_MONEY, /* integer fen */
};

enum fld_flag {
    F_REQ = 1 << 0,       /* required on create */
    F_UNIQUE = 1 << 1,    /* unique in the registry: 409 names the existing record */
    F_SCOPE = 1 << 2,     /* a place (or places) the record is scoped by */
    F_PII = 1 << 3,       /* personal: sealed at rest, keyed hash for lookup, masked */
    F_READONLY = 1 << 4,  /* derived or kept by the server: never taken from input */
    F_IMMUTABLE = 1 << 5, /* set on create only */
    F_LIST = 1 << 6,      /* a column of the list screen */
    F_SEARCH = 1 << 7,    /* matched by ?q= */
    F_FILTER = 1 << 8,    /* exact-match filter ?name=value */
    F_NOCSV = 1 << 9,     /* not a CSV column */
    F_PUBLIC = 1 << 10,   /* shown on public routes (names, codes) */
    F_COUNT = 1 << 11,    /* counted per value in the counters (registry_counters.c) */
};

struct reg_option {
    const char *value, *label;
};

struct registry;

/* Normalise one text value in place of a check: write the canonical form to out (at most outsz
 * bytes) or return ERR_INVALID with a reason naming field. */
typedef int (*fld_check_fn)(const char *in, char *out, size_t outsz, const char *field,
                            struct err *e);
typedef void (*fld_mask_fn)(const char *in, char *out, size_t outsz);

struct reg_field {
    const char *name;   /* JSON key and CSV header */
    const char *column; /* SQL column; NULL = name */
    const char *label, *label_en;
    enum fld_type type;
    unsigned flags;
    int64_t min, max; /* FT_TEXT: max characters; FT_INT/FT_MONEY: range; FT_TAGS: count */
    const char *ref;  /* FT_REF: the referenced registry's name */
    unsigned levels;  /* FT_PLACE/FT_CODES: allowed levels, bits of enum place_level */
    const struct reg_option *options; /* FT_ENUM, NULL-terminated */
    fld_check_fn check;
    fld_mask_fn mask;
    const char *dflt; /* stored when absent on create */
    /* FT_CODES: link table (owner id column, code column) */
    const char *link_table, *link_owner, *link_col;
    /* computed on read by this SQL expression over the registry's table (F_READONLY): a
     * count, or a name from a referenced table; never stored */
    const char *expr;
};

/* A record in the engine: one text value per field (NULL = absent or null), the form every
 * input (JSON, CSV) is read into and every row is read out as. Lists (FT_TAGS, FT_CODES) are
 * JSON array text. Booleans are "1"/"0". */
struct reg_rec {
    int64_t id;      /* integer key, 0 when the key is text */
    const char *key; /* the key as text ("12", or a department's code) */
    const char **v;
    unsigned char *given; /* per field: present in the input (PATCH) */
    int64_t created_at, updated_at, archived_at;
};

/* A list parameter of a registry's own (?name=value), beside the exact filters of its fields: a
 * condition over its table in SQL. FT_INT and FT_MONEY: sql holds one ? for the value;
 * FT_BOOL: sql holds none and applies for true, NOT (sql) for false. */
struct reg_param {
    const char *name, *label, *label_en;
    enum fld_type type;
    const char *sql;
};

/* Places known to exist, for a long run of writes (an import): their lookups are skipped. */
struct reg_cache {
    char places[16][24];
    int next;
};

/* The context of an engine call: who acts (NULL for the CLI and the demo, which act as the
 * system), the arena, and whether personal fields may be shown unmasked. */
struct reg_ctx {
    struct arena *a;
    const struct user *user;
    int64_t user_id;
    int enforce;         /* check user's scope on every record read or written (requests) */
    int unmask;          /* show personal fields in clear (the caller has V_PII and a purpose) */
    const char *purpose; /* why, for the access log */
    struct reg_cache *cache; /* optional */
    int64_t run_first_id;    /* an import's first stored id: duplicates inside the file */
};

enum reg_scope_kind {
    RS_PLACE,  /* records belong to places (their F_SCOPE fields) */
    RS_GLOBAL, /* district-wide reference data: any role with the verb sees every record */
};

enum {
    RO_ARCHIVE = 1 << 0,  /* DELETE archives (archived_at) instead of deleting */
    RO_NO_WRITE = 1 << 1, /* records are made and changed by the registry's own actions only */
};

struct registry {
    int id;               /* enum reg_id */
    const char *name;     /* URL segment: "residents" */
    const char *label;    /* 居民 */
    const char *label_en; /* Residents */
    const char *table;    /* SQL table */
    const char *key;      /* key column and JSON key: "id" or "code" */
    int key_text;         /* the key is text given by the client (departments' code) */
    enum reg_scope_kind scope;
    unsigned opts; /* RO_* */
    const struct reg_field *fields;
    int nfields;
    uint8_t grants[ROLE__COUNT]; /* verbs per role */
    /* a role scoped to a compound ("compound:ID") reaches the record whose compound_field has
     * that id ("id" for compounds themselves); NULL: compound scopes reach nothing here */
    const char *compound_field;
    /* the record's enterprise ("id" for enterprises themselves), through which the roles whose
     * scope is a set of enterprises (authz_by_enterprise) reach it; NULL: they reach nothing */
    const char *enterprise_field;
    const char *conflict_field; /* the field named by a unique-constraint conflict */
    /* Cross-field rules and derived values, inside the write transaction, after each field was
     * checked; old is NULL on create. May fill F_READONLY values. */
    int (*rules)(struct db *db, struct reg_ctx *c, const struct registry *r, struct reg_rec *rec,
                 const struct reg_rec *old, struct err *e);
    const struct reg_param *params; /* list parameters of its own, NULL-terminated (or NULL) */
    /* May the record be deleted (or archived)? Inside the write transaction; NULL: yes. */
    int (*may_delete)(struct db *db, struct reg_ctx *c, const struct registry *r,
                      const struct reg_rec *old, struct err *e);
    /* The field (a month "YYYY-MM" or a date) that dates a record in the counters instead of
     * its creation: a month's checklist ticked days after the month ended counts for that
     * month. NULL: the creation. */
    const char *dated_by;
    /* After the engine moved the record's own counters on a write (create, update, delete or
     * archive, reg_counters_changed): counters that depend on other records as well (a grid is
     * covered while any branch stands on it). old NULL on create, now NULL once deleted or
     * archived. NULL: none. */
    int (*counted)(struct db *db, struct reg_ctx *c, const struct registry *r,
                   const struct reg_rec *old, const struct reg_rec *now, struct err *e);
};

enum reg_id {
    REG_NONE,
#define REGISTRY(ID, sym, path) REG_##ID,
#include "domain/registries.def"
#undef REGISTRY
    REG__COUNT
};

#define REGISTRY(ID, sym, path) extern const struct registry reg_##sym;
#include "domain/registries.def"
#undef REGISTRY

const struct registry *registry_get(int id); /* NULL for REG_NONE or out of range */
const struct registry *registry_find(const char *name);
int registry_field_index(const struct registry *r, const char *name); /* -1 if none */
const char *reg_verb_name(unsigned verb);

/* May u do verb somewhere (the route-level check)? In the scope of rec (the record-level one)? */
int reg_may(const struct user *u, const struct registry *r, unsigned verb);
int reg_allows(const struct user *u, const struct registry *r, unsigned verb,
               const struct reg_rec *rec);

/* May u see r's personal fields in clear? Only with the registry's pii verb and a purpose
 * (which the access log keeps). */
int reg_unmask_allowed(const struct user *u, const struct registry *r, const char *purpose);

/* ---- input ---- */
/* A record with every value absent. */
void reg_rec_init(const struct registry *r, struct arena *a, struct reg_rec *rec);
/* Read a JSON object: unknown keys, types and read-only fields are 422 naming the field. */
int reg_from_json(const struct registry *r, struct arena *a, const json_t *obj, struct reg_rec *rec,
                  struct err *e);
/* Check and normalise every given value (lengths, formats, check hooks); creating: required
 * fields present and defaults filled. No store access. */
int reg_check(const struct registry *r, struct arena *a, struct reg_rec *rec, int creating,
              struct err *e);

/* ---- store (inside a write transaction for the writes) ---- */
int reg_get(struct db *db, struct reg_ctx *c, const struct registry *r, const char *key,
            struct reg_rec *out, struct err *e);
int reg_insert(struct db *db, struct reg_ctx *c, const struct registry *r, struct reg_rec *rec,
               struct err *e);
/* Read, check and insert a JSON object (the demo, tests and other system callers). */
int reg_create_json(struct db *db, struct reg_ctx *c, const struct registry *r, const json_t *obj,
                    struct reg_rec *rec, struct err *e);
/* Apply the given values of patch to the record key (PATCH semantics). */
int reg_update(struct db *db, struct reg_ctx *c, const struct registry *r, const char *key,
               struct reg_rec *patch, struct err *e);
int reg_delete(struct db *db, struct reg_ctx *c, const struct registry *r, const char *key,
               struct err *e);

struct reg_query {
    const char *place;               /* only records under this place */
    const char *q;                   /* text search over F_SEARCH fields */
    const char *cursor;              /* the last key of the previous page */
    int limit;                       /* at most this many (1..1000) */
    int archived;                    /* include archived records */
    int all_scope;                   /* ignore the user's scope (system callers) */
    const char *const *filter_names; /* exact filters: F_FILTER or F_PII fields */
    const char *const *filter_values;
    int nfilters;
    const char *const *params; /* per r->params: the value given, or NULL */
};
/* Fetch a page; *next is the cursor of the next page or NULL. Scope is in the SQL. */
int reg_list(struct db *db, struct reg_ctx *c, const struct registry *r, const struct reg_query *q,
             struct reg_rec **out, int *n, const char **next, struct err *e);

/* ---- output ---- */
/* The record as a JSON object; personal fields masked unless c->unmask. */
void reg_write_json(struct jsonw *w, const struct reg_ctx *c, const struct registry *r,
                    const struct reg_rec *rec);
/* Only the fields marked F_PUBLIC, with the key (public routes). */
void reg_write_public(struct jsonw *w, const struct registry *r, const struct reg_rec *rec);
/* The registry's schema (fields, labels, types) with the verbs u has. */
void reg_write_schema(struct jsonw *w, const struct registry *r, unsigned verbs);
/* The displayed value of field f (masked unless unmask); CSV and XLSX cells. */
const char *reg_value_text(const struct reg_ctx *c, const struct registry *r, int f,
                           const struct reg_rec *rec);
/* Write an access-log row per record read unmasked (who, when, which record, the purpose). */
int reg_audit_unmasked(struct db *db, const struct reg_ctx *c, const struct registry *r,
                       const struct reg_rec *recs, int n, const char *action, struct err *e);

/* The access log of personal data, newest first: {"items":[{at, user, action, object, detail}]};
 * object ("residents:12") narrows it. */
int reg_access_log(struct db *db, struct arena *a, const char *object, int limit, struct jsonw *w,
                   struct err *e);

/* In rules: rec->v[dst] = the column of the row of table whose id is rec->v[ref] (a value, such
 * as the place, that a record takes from the record it belongs to); nothing when ref is absent,
 * nor when keep_given and dst has a value already. */
int reg_copy_from(struct db *db, struct reg_ctx *c, struct reg_rec *rec, int dst, int ref,
                  const char *table, const char *column, int keep_given, struct err *e);

/* In rules: a record that names a record of another registry (field ref, an FT_REF) keeps its
 * name as text beside the id (field name), as rows written before the reference hold alone. A
 * reference given names the record; a name given without one is looked up among the live records
 * of that name the caller may read and taken when exactly one has it. required: the record must
 * reference one, else 422 naming ref (no record or several of that name, or neither given). */
int reg_ref_by_name(struct db *db, struct reg_ctx *c, const struct registry *r, struct reg_rec *rec,
                    int ref, int name, int required, struct err *e);

/* ---- counters (registry_counters.c) ---- */
struct counter_facts;
/* What a record counts for on the dashboards and the index: one record of the registry
 * ("reg.residents") at its place (its first place-valued scope field), dated by its creation
 * (or by its dated_by field),
 * and one per value of each F_COUNT field ("reg.residents.kind.new"; a tag list counts each tag,
 * a text field "set" or "empty"). An archived record, or one without a place, counts nowhere. */
void reg_counter_facts(const struct registry *r, const struct reg_rec *rec,
                       struct counter_facts *f);
/* After a write of r's table outside the engine (a match run, a decision, an erasure): move the
 * counters from what the record counted for before (NULL: it is new) to what it counts for now,
 * reading it back by key. */
int reg_counters_changed(struct db *db, struct reg_ctx *c, const struct registry *r,
                         const struct reg_rec *before, const char *key, struct err *e);
/* Add every registry's counters ("reg.*") of the records created from from_month (NULL: all) to
 * acc. */
struct counter_acc;
int reg_counters_recount(struct db *db, struct arena *a, struct counter_acc *acc,
                         const char *from_month, struct err *e);

/* ---- import and export ---- */
struct reg_import_error {
    long row;            /* line of the file */
    const char *column;  /* header as written */
    const char *field;   /* field name */
    const char *message; /* in Chinese, for the clerk */
};
struct reg_import_report {
    long rows, valid, stored;
    const char *encoding;
    struct reg_import_error *errors; /* the first REG_IMPORT_MAX_ERRORS */
    int nerrors;
    long error_count;
};
#define REG_IMPORT_MAX_ERRORS 1000
enum { IMPORT_DRY_RUN = 1 << 0, IMPORT_VALID_ONLY = 1 << 1 };
struct csv_reader;
typedef void (*reg_progress_fn)(void *arg, long rows, long bytes);
/* Read every row of csv into r inside the write transaction: all rows or, with
 * IMPORT_VALID_ONLY, the valid ones; nothing with IMPORT_DRY_RUN (the transaction is rolled
 * back after every row was checked as a real run would). Returns ERR_INVALID when rows failed
 * and nothing was stored. */
/* Values for every row that leaves a field empty (e.g. a roster's origin given once). */
struct reg_defaults {
    const char *const *names, *const *values;
    int n;
};
int reg_import(struct store *s, struct reg_ctx *c, const struct registry *r, struct csv_reader *csv,
               unsigned how, const struct reg_defaults *defaults, struct reg_import_report *rep,
               reg_progress_fn progress, void *progress_arg, struct err *e);
void reg_write_report(struct jsonw *w, const struct reg_import_report *rep, int dry_run);

/* Write every record in the caller's scope (under place, if given) to path. rows gets the
 * count. Personal fields masked unless c->unmask (then one access-log row for the export). */
int reg_export(struct store *s, struct reg_ctx *c, const struct registry *r, const char *place,
               enum sheet_fmt fmt, const char *path, long *rows, struct err *e);

#endif
