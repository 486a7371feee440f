/* mentor.c - mentors for village and community secretaries (兴村治社导师): who mentors whom
 * where, their meetings (date, topic, notes) and the follow-ups agreed there (owner, due date,
 * status). Meetings and follow-ups belong to the mentorship's place. */
#include "domain/cadre.h"
#include "domain/place.h"

#include <stdlib.h>

#define MENTOR_GRANTS                                                                              \
    {                                                                                              \
        [ROLE_DISTRICT_ADMIN] = V_READ | V_WRITE | V_EXPORT,                                       \
        [ROLE_PARTY_OFFICE] = V_READ | V_WRITE | V_EXPORT,                                         \
        [ROLE_STREET_OFFICE] = V_READ | V_WRITE | V_EXPORT, [ROLE_COMMUNITY_OFFICE] = V_READ,      \
    }

static const struct reg_option ship_statuses[] = {
    {"active", "结对中"}, {"ended", "已结束"}, {NULL, NULL}};

static const struct reg_field ship_fields[] = {
    [MS_MENTOR_NAME] = {.name = "mentor_name",
                        .label = "导师",
                        .label_en = "Mentor",
                        .type = FT_TEXT,
                        .flags = F_REQ | F_LIST | F_SEARCH | F_FILTER,
                        .max = 40},
    [MS_MENTOR_CADRE] = {.name = "mentor_cadre",
                         .column = "mentor_cadre_id",
                         .label = "导师（干部编号）",
                         .label_en = "Mentor (cadre)",
                         .type = FT_REF,
                         .ref = "cadres"},
    [MS_SECRETARY_NAME] = {.name = "secretary_name",
                           .label = "结对书记",
                           .label_en = "Secretary",
                           .type = FT_TEXT,
                           .flags = F_REQ | F_LIST | F_SEARCH,
                           .max = 40},
    [MS_SECRETARY_CADRE] = {.name = "secretary_cadre",
                            .column = "secretary_cadre_id",
                            .label = "书记（干部编号）",
                            .label_en = "Secretary (cadre)",
                            .type = FT_REF,
                            .ref = "cadres"},
    [MS_PLACE] = {.name = "place",
                  .column = "place_code",
                  .label = "村社",
                  .label_en = "Village or community",
                  .type = FT_PLACE,
                  .flags = F_REQ | F_SCOPE | F_LIST,
                  .levels = PLACE_LEVEL_BIT(PL_COMMUNITY)},
    [MS_FROM] = {.name = "from",
                 .column = "from_date",
                 .label = "结对日期",
                 .label_en = "From",
                 .type = FT_DATE,
                 .flags = F_REQ | F_LIST},
    [MS_TO] =
        {.name = "to", .column = "to_date", .label = "结束日期", .label_en = "To", .type = FT_DATE},
    [MS_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER,
                   .options = ship_statuses,
                   .dflt = "active"},
    [MS_NOTE] = {.name = "note", .label = "备注", .label_en = "Note", .type = FT_TEXT, .max = 500},
};

const struct registry reg_mentorships = {
    .id = REG_MENTORSHIPS,
    .name = "mentorships",
    .label = "兴村治社导师",
    .label_en = "Mentorships",
    .table = "mentorships",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = ship_fields,
    .nfields = MS__COUNT,
    .grants = MENTOR_GRANTS,
};

#define SHIP_FIELD                                                                                 \
    {                                                                                              \
        .name = "mentorship", .column = "mentorship_id", .label = "结对编号",                      \
        .label_en = "Mentorship", .type = FT_REF,                                                  \
        .flags = F_REQ | F_IMMUTABLE | F_LIST | F_FILTER, .ref = "mentorships"                     \
    }
#define SHIP_PLACE_FIELD                                                                           \
    {                                                                                              \
        .name = "place", .column = "place_code", .label = "村社", .label_en = "Place",             \
        .type = FT_PLACE, .flags = F_READONLY | F_SCOPE | F_LIST,                                  \
        .levels = PLACE_LEVEL_BIT(PL_COMMUNITY)                                                    \
    }

static const struct reg_field meeting_fields[] = {
    [MT_SHIP] = SHIP_FIELD,
    [MT_HELD_ON] = {.name = "held_on",
                    .label = "日期",
                    .label_en = "Held on",
                    .type = FT_DATE,
                    .flags = F_REQ | F_LIST},
    [MT_TOPIC] = {.name = "topic",
                  .label = "主题",
                  .label_en = "Topic",
                  .type = FT_TEXT,
                  .flags = F_REQ | F_LIST | F_SEARCH,
                  .max = 100},
    [MT_NOTES] = {.name = "notes",
                  .label = "记录",
                  .label_en = "Notes",
                  .type = FT_TEXT,
                  .flags = F_SEARCH,
                  .max = 2000},
    [MT_PLACE] = SHIP_PLACE_FIELD,
};

static int meeting_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                         struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    (void)r, (void)old;
    return reg_copy_from(db, c, rec, MT_PLACE, MT_SHIP, "mentorships", "place_code", 0, e);
}

const struct registry reg_mentor_meetings = {
    .id = REG_MENTOR_MEETINGS,
    .name = "mentor-meetings",
    .label = "导师指导记录",
    .label_en = "Mentor meetings",
    .table = "mentor_meetings",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = meeting_fields,
    .nfields = MT__COUNT,
    .grants = MENTOR_GRANTS,
    .rules = meeting_rules,
};

static const struct reg_option followup_statuses[] = {
    {"open", "跟进中"}, {"done", "已完成"}, {NULL, NULL}};

static const struct reg_field followup_fields[] = {
    [MF_SHIP] = SHIP_FIELD,
    [MF_MEETING] = {.name = "meeting",
                    .column = "meeting_id",
                    .label = "指导记录编号",
                    .label_en = "Meeting",
                    .type = FT_REF,
                    .flags = F_FILTER,
                    .ref = "mentor-meetings"},
    [MF_ITEM] = {.name = "item",
                 .label = "跟进事项",
                 .label_en = "Item",
                 .type = FT_TEXT,
                 .flags = F_REQ | F_LIST | F_SEARCH,
                 .max = 200},
    [MF_OWNER] = {.name = "owner",
                  .label = "责任人",
                  .label_en = "Owner",
                  .type = FT_TEXT,
                  .flags = F_LIST,
                  .max = 40},
    [MF_DUE_ON] = {.name = "due_on",
                   .label = "完成时限",
                   .label_en = "Due on",
                   .type = FT_DATE,
                   .flags = F_LIST},
    [MF_STATUS] = {.name = "status",
                   .label = "状态",
                   .label_en = "Status",
                   .type = FT_ENUM,
                   .flags = F_LIST | F_FILTER,
                   .options = followup_statuses,
                   .dflt = "open"},
    [MF_PLACE] = SHIP_PLACE_FIELD,
};

static int followup_rules(struct db *db, struct reg_ctx *c, const struct registry *r,
                          struct reg_rec *rec, const struct reg_rec *old, struct err *e)
{
    struct dbrows rows;
    (void)r, (void)old;
    int rc = reg_copy_from(db, c, rec, MF_PLACE, MF_SHIP, "mentorships", "place_code", 0, e);
    if (rc != ERR_OK || rec->v[MF_MEETING] == NULL)
        return rc;
    rc = db_query(db, c->a, &rows, e,
                  "SELECT 1 FROM mentor_meetings WHERE id = ? AND mentorship_id = ?",
                  DB_ARGS(DBI(strtoll(rec->v[MF_MEETING], NULL, 10)),
                          DBI(strtoll(rec->v[MF_SHIP], NULL, 10))));
    if (rc == ERR_OK && rows.nrows == 0)
        rc = err_set(e, ERR_INVALID, "meeting", "指导记录 %s 不属于结对 %s", rec->v[MF_MEETING],
                     rec->v[MF_SHIP]);
    return rc;
}

const struct registry reg_mentor_followups = {
    .id = REG_MENTOR_FOLLOWUPS,
    .name = "mentor-followups",
    .label = "导师跟进事项",
    .label_en = "Mentor follow-ups",
    .table = "mentor_followups",
    .key = "id",
    .scope = RS_PLACE,
    .opts = RO_ARCHIVE,
    .fields = followup_fields,
    .nfields = MF__COUNT,
    .grants = MENTOR_GRANTS,
    .rules = followup_rules,
};
