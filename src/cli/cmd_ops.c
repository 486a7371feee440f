/* cmd_ops.c - operations commands: `gridgov scheduler run` (one scheduler pass, as the server
 * runs every 30 s) and `gridgov audit verify` (recompute every case's hash chain). */
#include "cli/cli.h"
#include "domain/calendar.h"
#include "domain/case.h"
#include "domain/competition.h"
#include "domain/index_warn.h"
#include "domain/ledger.h"
#include "domain/photo.h"
#include "domain/scheduler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The server's own audit key, never a new one: a fresh key would sign new timeline rows (or
 * check old ones) with the wrong key. */
static int open_secret(const struct cli *c, const char *cmd)
{
    char path[600];
    const char *env = getenv("GRIDGOV_SECRET_KEY");
    snprintf(path, sizeof(path), "%s/secret.key", c->cfg.data_dir);
    if ((env == NULL || *env == '\0') && access(path, R_OK) != 0) {
        fprintf(stderr,
                "gridgov %s: no key at %s; give the server's --data-dir (or "
                "GRIDGOV_SECRET_KEY)\n",
                cmd, path);
        return EXIT_FAIL;
    }
    return cli_data_dir(c);
}

/* COMMAND: scheduler run - escalate overdue cases and close unconfirmed verified ones, once;
 * raise the index warnings of the last completed month (each once).
 * Safe beside a running server: each step checks the case's version, so a case is never
 * escalated twice for the same lateness. */
int cmd_scheduler(struct cli *c)
{
    struct scheduler_report r;
    if (c->argc != 1 || strcmp(c->argv[0], "run") != 0) {
        fprintf(stderr, "usage: gridgov scheduler run\n");
        return EXIT_USAGE;
    }
    if (open_secret(c, "scheduler run") != EXIT_OK) /* timeline rows are signed */
        return EXIT_FAIL;
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    int rc = scheduler_run_once(s, time(NULL), &r);
    struct photo_gc_report pr;
    struct err pe = {0};
    int prc = photo_collect(s, c->cfg.data_dir, time(NULL), PHOTO_GC_GRACE, &pr, &pe);
    /* the index's early warnings of the last completed month, quarter and year (raised once: a
     * rerun sends none) */
    struct index_warn_report wr[3];
    struct err we[3] = {{0}};
    char periods[3][8];
    int wrc[3], wfailed = 0;
    index_warn_last_periods(time(NULL), periods);
    for (int i = 0; i < 3; i++) {
        wrc[i] = index_warn_run(s, periods[i], time(NULL), "scheduler", 0, &wr[i], &we[i]);
        wfailed |= wrc[i] != ERR_OK;
    }
    store_close(s);
    printf("scheduler: %d escalated, %d closed, %d skipped, %d failed\n", r.escalated, r.closed,
           r.skipped, r.failed);
    for (int i = 0; i < 3; i++) {
        if (wrc[i] != ERR_OK)
            fprintf(stderr, "gridgov scheduler run: index warnings for %s: %s\n", periods[i],
                    we[i].msg);
        else
            printf("index warnings: %d raised for %s (%d places scored)\n", wr[i].raised,
                   periods[i], wr[i].checked);
    }
    if (prc != ERR_OK)
        fprintf(stderr, "gridgov scheduler run: photos: %s\n", pe.msg);
    else
        printf("photos: %d orphan files removed (%lld bytes), %d kept\n", pr.removed,
               (long long)pr.bytes, pr.kept);
    if (rc != ERR_OK) {
        fprintf(stderr, "gridgov scheduler run: the pass stopped early (see the log)\n");
        return EXIT_FAIL;
    }
    return r.failed || prc != ERR_OK || wfailed ? EXIT_FAIL : EXIT_OK;
}

/* COMMAND: audit verify - recompute every timeline's hash chain with the server's audit key;
 * exit 1 if any row was edited, inserted or deleted. */
int cmd_audit(struct cli *c)
{
    struct err e = {0};
    struct audit_report r;
    if (c->argc != 1 || strcmp(c->argv[0], "verify") != 0) {
        fprintf(stderr, "usage: gridgov audit verify\n");
        return EXIT_USAGE;
    }
    if (open_secret(c, "audit verify") != EXIT_OK)
        return EXIT_FAIL;
    struct store *s = cli_store_open(c);
    if (s == NULL)
        return EXIT_FAIL;
    struct db *db = store_acquire(s);
    struct audit_report rc2, lr = {0}; /* lr: the ledger's chains (ledger_flow.c) */
    int rc = case_audit_verify(db, &r, &e);
    if (rc == ERR_OK) /* competitions' histories are chained the same way */
        rc = competition_audit_verify(db, &rc2, &e);
    if (rc == ERR_OK) /* and ledger entries' approvals, with the approved content */
        rc = ledger_audit_verify(db, &lr, &e);
    store_release(s, db);
    store_close(s);
    if (rc != ERR_OK) {
        fprintf(stderr, "gridgov audit verify: %s\n", e.msg);
        return EXIT_FAIL;
    }
    if (r.bad + rc2.bad > 0)
        printf("%lld cases, %lld rows; %lld competitions, %lld rows: %lld problem%s; the first: "
               "%s\n",
               (long long)r.cases, (long long)r.rows, (long long)rc2.cases, (long long)rc2.rows,
               (long long)(r.bad + rc2.bad), r.bad + rc2.bad == 1 ? "" : "s",
               r.bad ? r.first_problem : rc2.first_problem);
    if (lr.bad > 0)
        printf("%lld ledger entries, %lld rows: %lld problem%s; the first: %s\n",
               (long long)lr.cases, (long long)lr.rows, (long long)lr.bad, lr.bad == 1 ? "" : "s",
               lr.first_problem);
    if (r.bad + rc2.bad + lr.bad > 0)
        return EXIT_FAIL;
    printf("%lld cases, %lld rows; %lld competitions, %lld rows: chain intact\n",
           (long long)r.cases, (long long)r.rows, (long long)rc2.cases, (long long)rc2.rows);
    printf("%lld ledger entries, %lld rows: chain intact\n", (long long)lr.cases,
           (long long)lr.rows);
    return EXIT_OK;
}

/* COMMAND: calendar import FILE - the holidays and make-up working days of a new year (the State
 * Council's notice) in the CSV format of data/calendar (date,kind,name), in one transaction:
 * a bad line imports nothing. Prints how far the calendar now reaches. */
int cmd_calendar(struct cli *c)
{
    struct err e = {0};
    struct cal_horizon hz;
    size_t len = 0;
    int days = 0;
    if (c->argc != 2 || strcmp(c->argv[0], "import") != 0) {
        fprintf(stderr, "usage: gridgov calendar import FILE.csv\n");
        return EXIT_USAGE;
    }
    char *data = cli_read_file(c->argv[1], &len);
    if (data == NULL) {
        fprintf(stderr, "gridgov calendar import: cannot read %s\n", c->argv[1]);
        return EXIT_FAIL;
    }
    struct store *s = cli_store_open(c);
    if (s == NULL) {
        free(data);
        return EXIT_FAIL;
    }
    int rc = calendar_import(s, data, len, c->argv[1], &days, &e);
    free(data);
    if (rc == ERR_OK) {
        struct db *db = store_acquire(s);
        rc = calendar_horizon(db, time(NULL), &hz, &e);
        store_release(s, db);
    }
    store_close(s);
    if (rc != ERR_OK) {
        fprintf(stderr, "gridgov calendar import: nothing imported: %s\n", e.msg);
        return EXIT_FAIL;
    }
    printf("%d days imported; the calendar covers through %s (%lld days ahead)%s\n", days,
           hz.covered_through, (long long)hz.days_left,
           hz.ok ? "" : ": still less than 60 days, import the next year too");
    return EXIT_OK;
}
