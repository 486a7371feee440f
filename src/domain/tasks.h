/* tasks.h - the micro-governance offices' task boards (微治办 "4 areas, 42 tasks"): areas and
 * task templates the district keeps, tasks an office owns with a due date in working days, and
 * their targets (compounds or communities) with progress (not started, in progress, done with
 * evidence). Progress moves by a rules table (task_moves); the board rolls completion up per
 * community, street and district, and overdue targets make the offices' queue. Forming an
 * owners' committee (effect "owners_committee") marks the compound's committee when done. */
#ifndef GG_TASKS_H
#define GG_TASKS_H

#include "domain/calendar.h"
#include "domain/registry.h"

/* Field order of the registries, for rules, the demo and tests. */
enum { TA_NAME, TA_SORT, TA_DESCRIPTION, TA_TEMPLATES, TA__COUNT };
enum {
    TT_AREA,
    TT_AREA_NAME,
    TT_TITLE,
    TT_TARGET_KIND,
    TT_DAYS,
    TT_EFFECT,
    TT_SORT,
    TT_DESCRIPTION,
    TT__COUNT
};
enum {
    TK_TITLE,
    TK_AREA,
    TK_AREA_NAME,
    TK_TEMPLATE,
    TK_PLACE,
    TK_OWNER_USER,
    TK_OWNER_NAME,
    TK_TARGET_KIND,
    TK_EFFECT,
    TK_STARTS_ON,
    TK_DAYS,
    TK_DUE_ON,
    TK_TARGETS,
    TK_DONE,
    TK_NOTE,
    TK__COUNT
};
enum {
    TG_TASK,
    TG_TITLE,
    TG_COMPOUND,
    TG_COMMUNITY,
    TG_TARGET_NAME,
    TG_TASK_PLACE,
    TG_STATUS,
    TG_EVIDENCE,
    TG_DONE_ON,
    TG_DUE_ON,
    TG_NOTE,
    TG__COUNT
};

/* The progress of a target may move from -> to when the table has the move: evidence is
 * needed to call a target done, and only the task's owner reopens a done one. Staying put is
 * always allowed. ERR_OK, or ERR_CONFLICT (no such move), ERR_INVALID (field "evidence") or
 * ERR_FORBIDDEN, with the reason in Chinese. */
int task_move_check(const char *from, const char *to, int has_evidence, int is_owner,
                    struct err *e);

/* The due date (YYYY-MM-DD) of a task starting on starts_on with days working days: the Nth
 * working day after the start day (the calendar's rule for stage deadlines). */
int task_due_on(const struct calendar *cal, const char *starts_on, int days, char out[11],
                struct err *e);

/* Today's date in Asia/Shanghai. */
void task_today(char out[11]);

/* The board under place (targets whose community lies under it) as the caller may see it:
 * per area its tasks with counts of targets by progress and overdue, and the roll-up per
 * community, per street and in total. area_id, task_id: 0 for all. today: "YYYY-MM-DD". */
int task_board(struct db *db, struct reg_ctx *c, const char *place, int64_t area_id,
               int64_t task_id, const char *today, struct jsonw *w, struct err *e);

/* The targets under place not done by their task's due date (before today), oldest first: the
 * offices' queue of overdue work. */
int task_overdue(struct db *db, struct reg_ctx *c, const char *place, const char *today,
                 struct jsonw *w, struct err *e);

#endif
