/* workshop.h - common-prosperity workshops (共富工坊) as registries: a workshop run by a community
 * with enterprises (named by their unified social credit codes) and led by a party organisation,
 * its participants (residents, with the residents' own tags: elderly, disabled ...) and the
 * income each participant earns per month (hours or pieces, an amount in fen). */
#ifndef GG_WORKSHOP_H
#define GG_WORKSHOP_H

#include "domain/registry.h"

/* Field order of the registries, for rules, the demo and tests. */
enum {
    WS_NAME,
    WS_COMMUNITY,
    WS_PARTY_ORG,
    WS_PARTY_ORG_NAME,
    WS_ENTERPRISES,
    WS_PRODUCTS,
    WS_MODE,
    WS_OPENED_ON,
    WS_ADDRESS,
    WS_PARTICIPANTS,
    WS_NOTE,
    WS__COUNT
};
enum {
    WP_WORKSHOP,
    WP_RESIDENT,
    WP_NAME,
    WP_TAGS,
    WP_PLACE,
    WP_JOINED_ON,
    WP_STATUS,
    WP_NOTE,
    WP__COUNT
};
enum {
    WI_PARTICIPANT,
    WI_NAME,
    WI_WORKSHOP,
    WI_PLACE,
    WI_PERIOD,
    WI_UNIT,
    WI_QUANTITY,
    WI_AMOUNT,
    WI_NOTE,
    WI__COUNT
};

/* One person's income of one month above this (100万元) is taken for a typing error. */
#define WORKSHOP_INCOME_MAX 100000000LL

/* A month "YYYY-MM" (also "YYYY-M", "YYYY/MM"), normalised; years 2000-2100. */
int field_check_month(const char *in, char *out, size_t outsz, const char *field, struct err *e);

/* The income of a workshop between two months (inclusive, "YYYY-MM"): per month the amount,
 * hours, pieces, participants paid and the income per head; per participant (with the
 * resident's name and tags) each month and the total; the totals with the income per head per
 * month (the amount over the person-months paid). Amounts in fen; a per-head figure is rounded
 * to the nearest fen. The workshop must be in the caller's scope (c->enforce). */
int workshop_income(struct db *db, struct reg_ctx *c, const char *id, const char *from,
                    const char *to, struct jsonw *w, struct err *e);

/* a / n rounded to the nearest integer (halves up), 0 when n is 0: income per head. */
int64_t per_head(int64_t amount, int64_t n);

#endif
