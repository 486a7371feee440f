/* case_flow.c - the workflow of DESIGN.md section 3 as one table: for every action, the states
 * it may start from, where it leads, and who may take it. Everything else asks this table. */
#include "domain/case.h"
#include "core/util.h"

#include <string.h>

#define S(x) (1u << CS_##x)
#define OPEN_STATES                                                                                \
    (S(SUBMITTED) | S(ACCEPTED) | S(DISPATCHED) | S(IN_PROGRESS) | S(RESOLVED) | S(VERIFIED))
#define ANY_STATE ((1u << CS__COUNT) - 1)
#define SAME (-1)

enum who {
    W_SAME,            /* (for_enterprise) the same as who */
    W_OFFICE,          /* 微治办 at or above the case's place */
    W_HANDLER,         /* the assigned department's handler, or the grid leader (to grid) */
    W_MEETING,         /* joint meetings: office, handler, or the grid leader who convened it */
    W_VERIFIER,        /* grid worker or leader of the case's grid */
    W_REPORTER,        /* the reporter (token or own account) */
    W_OFFICE_OR_SCHED, /* close, escalate */
    W_STAFF,           /* internal notes: staff who can read the case */
    W_CADRE,           /* an enterprise-service cadre serving the case's enterprise */
};

/* who takes the step; for_enterprise, when not W_SAME, takes it instead on a problem raised for
 * an enterprise (on a cadre's visit): the cadre, not a grid, checks the fix. */
static const struct rule {
    unsigned from;
    int to;
    enum who who, for_enterprise;
} rules[CA__COUNT] = {
    [CA_ACCEPT] = {S(SUBMITTED), CS_ACCEPTED, W_OFFICE},
    [CA_REJECT] = {S(SUBMITTED), CS_REJECTED, W_OFFICE},
    [CA_MERGE] = {S(SUBMITTED) | S(ACCEPTED), CS_MERGED, W_OFFICE},
    [CA_DISPATCH] = {S(ACCEPTED) | S(DISPATCHED), CS_DISPATCHED, W_OFFICE},
    [CA_RETURN] = {S(DISPATCHED), CS_ACCEPTED, W_HANDLER},
    [CA_START] = {S(DISPATCHED), CS_IN_PROGRESS, W_HANDLER},
    [CA_MEETING] = {S(ACCEPTED) | S(DISPATCHED) | S(IN_PROGRESS), SAME, W_MEETING},
    [CA_EXTEND] = {S(DISPATCHED) | S(IN_PROGRESS), SAME, W_HANDLER},
    [CA_APPROVE_EXTENSION] = {S(DISPATCHED) | S(IN_PROGRESS), SAME, W_OFFICE},
    [CA_DENY_EXTENSION] = {S(DISPATCHED) | S(IN_PROGRESS), SAME, W_OFFICE},
    [CA_RESOLVE] = {S(IN_PROGRESS), CS_RESOLVED, W_HANDLER},
    [CA_VERIFY] = {S(RESOLVED), CS_VERIFIED, W_VERIFIER, W_CADRE},
    [CA_VERIFY_FAIL] = {S(RESOLVED), CS_DISPATCHED, W_VERIFIER, W_CADRE},
    [CA_CONFIRM] = {S(VERIFIED), SAME, W_REPORTER},
    [CA_CLOSE] = {S(VERIFIED), CS_CLOSED, W_OFFICE_OR_SCHED},
    [CA_REOPEN] = {S(CLOSED), CS_DISPATCHED, W_REPORTER},
    [CA_ESCALATE] = {OPEN_STATES, SAME, W_OFFICE_OR_SCHED},
    [CA_COMMENT] = {ANY_STATE, SAME, W_REPORTER},
    [CA_NOTE] = {ANY_STATE, SAME, W_STAFF},
    [CA_PLACE] = {S(SUBMITTED) | S(ACCEPTED), SAME, W_OFFICE},
};

static const struct {
    const char *name, *zh;
} statuses[CS__COUNT] = {
#define X(id, name, zh) [CS_##id] = {name, zh},
    CASE_STATUS_MAP(X)
#undef X
};

static const struct {
    const char *name, *zh;
} actions[CA__COUNT] = {
#define X(id, name, zh) [CA_##id] = {name, zh},
    CASE_ACTION_MAP(X)
#undef X
};

const char *case_status_name(enum case_status s)
{
    return s < CS__COUNT ? statuses[s].name : "";
}

const char *case_status_zh(enum case_status s)
{
    return s < CS__COUNT ? statuses[s].zh : "";
}

int case_status_from_name(const char *s, enum case_status *out)
{
    for (int i = 0; i < CS__COUNT; i++) {
        if (strcmp(statuses[i].name, s) == 0) {
            *out = (enum case_status)i;
            return ERR_OK;
        }
    }
    return ERR_INVALID;
}

const char *case_action_name(enum case_action a)
{
    return a < CA__COUNT ? actions[a].name : a == CA_SUBMIT ? "submit" : "";
}

const char *case_action_zh(enum case_action a)
{
    return a < CA__COUNT ? actions[a].zh : a == CA_SUBMIT ? "上报" : "";
}

int case_action_from_name(const char *s, enum case_action *out)
{
    for (int i = 0; i < CA__COUNT; i++) {
        if (strcmp(actions[i].name, s) == 0) {
            *out = (enum case_action)i;
            return ERR_OK;
        }
    }
    return ERR_INVALID;
}

const char *case_open311_status(enum case_status s)
{
    return s == CS_CLOSED || s == CS_REJECTED || s == CS_MERGED ? "closed" : "open";
}

int case_is_reporter(const struct case_rec *cs, const struct user *u)
{
    /* staff who log a hotline call or relay a resident's report are not its reporter: the
     * caller, the resident (with the tracking token) is */
    return u != NULL && cs->reporter_user_id != 0 && cs->reporter_user_id == u->id &&
           !cs->relayed && strcmp(cs->channel ? cs->channel : "", "hotline") != 0;
}

struct target case_target(const struct case_rec *cs)
{
    struct target t = {.place = cs->place_code,
                       .compound = cs->compound_id,
                       .dept = cs->department,
                       .enterprise = cs->enterprise_id};
    return t;
}

static int is_office(const struct case_rec *cs, const struct actor *who)
{
    struct target t = {.place = cs->place_code};
    return who->user != NULL && authz_allow(who->user, PERM_CASE_OFFICE, &t);
}

static int is_handler(const struct case_rec *cs, const struct actor *who)
{
    if (who->user == NULL)
        return 0;
    if (cs->to_grid) {
        struct target t = {.place = cs->grid_code};
        return cs->grid_code != NULL && authz_allow(who->user, PERM_CASE_HANDLE, &t);
    }
    struct target t = {.dept = cs->department};
    return cs->department != NULL && authz_allow(who->user, PERM_CASE_HANDLE, &t);
}

static int is_cadre(const struct case_rec *cs, const struct actor *who)
{
    struct target t = {.enterprise = cs->enterprise_id};
    return who->user != NULL && cs->enterprise_id != 0 &&
           authz_allow(who->user, PERM_CASE_VERIFY, &t);
}

/* The leader of the case's grid (the grid's party-branch secretary convenes its joint meetings):
 * department handlers reach cases only through their department, so on a grid this is the
 * grid leader. */
static int is_grid_leader(const struct case_rec *cs, const struct actor *who)
{
    struct target t = {.place = cs->grid_code};
    return who->user != NULL && cs->grid_code != NULL &&
           authz_allow(who->user, PERM_CASE_HANDLE, &t);
}

static int is_verifier(const struct case_rec *cs, const struct actor *who)
{
    if (who->user == NULL)
        return 0;
    if (cs->enterprise_id != 0)
        return 0; /* not the grid's: the rules name the enterprise's cadre (for_enterprise) */
    if (cs->grid_code != NULL) {
        struct target t = {.place = cs->grid_code};
        return authz_allow(who->user, PERM_CASE_VERIFY, &t);
    }
    /* a case known only by its community: any grid of that community checks it on site */
    for (int i = 0; i < who->user->nroles; i++) {
        const struct role_grant *g = &who->user->roles[i];
        if (authz_grant_has(g, PERM_CASE_VERIFY) && g->compound == 0 && !authz_by_enterprise(g) &&
            strncmp(g->place, cs->place_code, strlen(cs->place_code)) == 0)
            return 1;
    }
    return 0;
}

int case_may_read(const struct case_rec *cs, const struct user *u)
{
    struct target t = case_target(cs);
    struct actor who = {.user = u};
    return u != NULL && (authz_allow(u, PERM_CASE_READ, &t) || is_verifier(cs, &who) ||
                         cs->reporter_user_id == u->id);
}

static int may(const struct case_rec *cs, enum who w, const struct actor *who)
{
    switch (w) {
    case W_SAME:
        return 0;
    case W_CADRE:
        return is_cadre(cs, who);
    case W_OFFICE:
        return is_office(cs, who);
    case W_HANDLER:
        return is_handler(cs, who);
    case W_MEETING:
        return is_office(cs, who) || is_handler(cs, who) || is_grid_leader(cs, who);
    case W_VERIFIER:
        return is_verifier(cs, who);
    case W_REPORTER:
        return who->reporter;
    case W_OFFICE_OR_SCHED:
        return who->scheduler || is_office(cs, who);
    case W_STAFF: {
        struct target t = case_target(cs);
        return who->user != NULL && authz_allow(who->user, PERM_CASE_READ, &t);
    }
    }
    return 0;
}

/* Conditions beyond state and role: time windows and one-off steps. */
static int condition(const struct case_rec *cs, enum case_action a, int64_t now, struct err *e)
{
    switch (a) {
    case CA_CONFIRM:
        if (cs->confirmed)
            return err_set(e, ERR_CONFLICT, "action", "the case is already confirmed");
        break;
    case CA_CLOSE:
        if (!cs->confirmed && (cs->stage_due_at == 0 || now < cs->stage_due_at))
            return err_set(e, ERR_CONFLICT, "action",
                           "the reporter has not confirmed yet and has %d days to answer",
                           CASE_CONFIRM_DAYS);
        break;
    case CA_REOPEN:
        if (cs->closed_at == 0 || now > cs->closed_at + CASE_REOPEN_DAYS * 86400)
            return err_set(e, ERR_CONFLICT, "action",
                           "a case can be reopened within %d days of closing", CASE_REOPEN_DAYS);
        break;
    case CA_ESCALATE:
        if (cs->stage_due_at == 0 || now <= cs->stage_due_at)
            return err_set(e, ERR_CONFLICT, "action", "the case is not overdue");
        break;
    case CA_EXTEND:
        if (cs->pending_extensions > 0)
            return err_set(e, ERR_CONFLICT, "action", "an extension request is already pending");
        break;
    case CA_APPROVE_EXTENSION:
    case CA_DENY_EXTENSION:
        if (cs->pending_extensions == 0)
            return err_set(e, ERR_CONFLICT, "action", "no extension request is pending");
        break;
    case CA_PLACE:
        /* the "to place" queue: a case known only by its town or district (a point no boundary
         * below the district holds) gets its community or grid from a clerk */
        if (strlen(cs->place_code) >= 12)
            return err_set(e, ERR_CONFLICT, "action", "the case already has its community or grid");
        break;
    case CA_RETURN:
        if (cs->to_grid)
            return err_set(e, ERR_CONFLICT, "action",
                           "a case sent to the grid is handled there, not returned");
        break;
    default:
        break;
    }
    return ERR_OK;
}

int case_flow_check(const struct case_rec *cs, enum case_action a, const struct actor *who,
                    int64_t now, struct err *e)
{
    if ((unsigned)a >= CA__COUNT)
        return err_set(e, ERR_INVALID, "action", "unknown action");
    const struct rule *r = &rules[a];
    enum who w = cs->enterprise_id != 0 && r->for_enterprise != W_SAME ? r->for_enterprise : r->who;
    if (!may(cs, w, who))
        return err_set(e, ERR_FORBIDDEN, "action", "you may not take the step '%s' on this case",
                       actions[a].name);
    if (!(r->from & (1u << cs->status)))
        return err_set(e, ERR_CONFLICT, "action", "cannot %s a case that is %s", actions[a].name,
                       statuses[cs->status].name);
    return condition(cs, a, now, e);
}

json_t *case_flow_allowed(const struct case_rec *cs, const struct actor *who, int64_t now)
{
    json_t *out = json_array();
    for (int a = 0; a < CA__COUNT; a++) {
        struct err e;
        if (case_flow_check(cs, (enum case_action)a, who, now, &e) == ERR_OK)
            json_array_append_new(out, json_string(actions[a].name));
    }
    return out;
}

enum case_status case_flow_target(const struct case_rec *cs, enum case_action a)
{
    if ((unsigned)a >= CA__COUNT || rules[a].to == SAME)
        return cs->status;
    return (enum case_status)rules[a].to;
}
