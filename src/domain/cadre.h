/* cadre.h - cadres and what they do (issue 11): the registries of cadres, frontline postings
 * and training (cadre.c), competitions with their criteria, entries, judges, scores and
 * hash-chained history (competition.c, competition_rank.c, competition_flow.c), mentors
 * for village secretaries (mentor.c), the re-election review (review.c) and party-building
 * alliances with the figures they report (alliance.c). */
#ifndef GG_CADRE_H
#define GG_CADRE_H

#include "domain/registry.h"

/* Field order of the registries, for rules, the demo and tests. */
enum {
    KD_NAME,
    KD_RESIDENT,
    KD_USER,
    KD_UNIT,
    KD_POST,
    KD_RANK,
    KD_BIRTH_YEAR,
    KD_AGE_GROUP,
    KD_PLACE,
    KD_TAGS,
    KD_NOTE,
    KD__COUNT
};
enum {
    DP_CADRE,
    DP_NAME,
    DP_KIND,
    DP_PLACE,
    DP_PROJECT,
    DP_PROJECT_NAME,
    DP_FROM,
    DP_TO,
    DP_TASKS,
    DP_EVALUATION,
    DP_EVALUATION_NOTE,
    DP__COUNT
};
enum {
    TR_CADRE,
    TR_NAME,
    TR_KIND,
    TR_TITLE,
    TR_FROM,
    TR_TO,
    TR_ATTENDANCE,
    TR_RESULT,
    TR_PLACE,
    TR_NOTE,
    TR__COUNT
};
enum {
    CO_NAME,
    CO_SERIES,
    CO_PERIOD,
    CO_ENTRY_KIND,
    CO_PLACE,
    CO_STATUS,
    CO_PUBLISHED_AT,
    CO_NOTE,
    CO__COUNT
};
enum { CC_COMPETITION, CC_NAME, CC_WEIGHT, CC_RULE, CC_PLACE, CC_NOTE, CC__COUNT };
enum {
    CE_COMPETITION,
    CE_NAME,
    CE_CADRE,
    CE_ENTRY_PLACE,
    CE_PROJECT,
    CE_PROJECT_NAME,
    CE_PLACE,
    CE_NOTE,
    CE__COUNT
};
enum { CJ_COMPETITION, CJ_USER, CJ_NAME, CJ_PLACE, CJ_NOTE, CJ__COUNT };
enum {
    MS_MENTOR_NAME,
    MS_MENTOR_CADRE,
    MS_SECRETARY_NAME,
    MS_SECRETARY_CADRE,
    MS_PLACE,
    MS_FROM,
    MS_TO,
    MS_STATUS,
    MS_NOTE,
    MS__COUNT
};
enum { MT_SHIP, MT_HELD_ON, MT_TOPIC, MT_NOTES, MT_PLACE, MT__COUNT };
enum { MF_SHIP, MF_MEETING, MF_ITEM, MF_OWNER, MF_DUE_ON, MF_STATUS, MF_PLACE, MF__COUNT };
enum { RI_NAME, RI_CATEGORY, RI_SORT, RI_NOTE, RI__COUNT };
enum { RV_PLACE, RV_ROUND, RV_REVIEWER, RV_REVIEWED_ON, RV_STATUS, RV_NOTE, RV__COUNT };
enum {
    RC_REVIEW,
    RC_ITEM,
    RC_RESULT,
    RC_FINDING,
    RC_FOLLOWUP,
    RC_OWNER,
    RC_DUE_ON,
    RC_STATUS,
    RC_PLACE,
    RC__COUNT
};
enum { AL_NAME, AL_KIND, AL_PLACE, AL_BRAND, AL_THEMES, AL_PROJECTS, AL_NOTE, AL__COUNT };
enum { AM_ALLIANCE, AM_PLACE, AM_NAME, AM_ORG, AM_BRAND, AM_ALLIANCE_PLACE, AM_NOTE, AM__COUNT };
enum {
    AF_ALLIANCE,
    AF_PLACE,
    AF_METRIC,
    AF_UNIT,
    AF_PERIOD,
    AF_VALUE,
    AF_ALLIANCE_PLACE,
    AF_NOTE,
    AF__COUNT
};

/* A period as the registries write it: YYYY, YYYY-Qn or YYYY-MM (a check hook). */
int cadre_check_period(const char *in, char *out, size_t outsz, const char *field, struct err *e);
/* The first and last day (YYYY-MM-DD) of a period checked by cadre_check_period. */
void cadre_period_days(const char *period, char from[11], char to[11]);

/* The cadres posted to the front line under place whose posting overlaps [from, to]
 * (YYYY-MM-DD), in the caller's scope (u NULL: all): counts by kind and the postings. */
int deployment_summary(struct db *db, struct reg_ctx *c, const char *place, const char *from,
                       const char *to, struct jsonw *w, struct err *e);

#endif
