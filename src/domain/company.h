/* company.h - community companies (强社公司) as registries: the company with its seat (a town or
 * a community), the communities that hold its shares, and its revenue, profit and dividends per
 * year; the dividends go back to the shareholder communities in proportion to their shares. */
#ifndef GG_COMPANY_H
#define GG_COMPANY_H

#include "domain/registry.h"

/* Field order of the registries, for rules, the demo and tests. */
enum {
    CO_NAME,
    CO_CREDIT_CODE,
    CO_PLACE,
    CO_BUSINESS,
    CO_CHAIR,
    CO_FOUNDED_ON,
    CO_CAPITAL,
    CO_SHAREHOLDERS,
    CO_NOTE,
    CO__COUNT
};
enum {
    CS_COMPANY,
    CS_COMPANY_NAME,
    CS_COMMUNITY,
    CS_COMMUNITY_NAME,
    CS_PLACE,
    CS_SHARES,
    CS_NOTE,
    CS__COUNT
};
enum {
    CY_COMPANY,
    CY_COMPANY_NAME,
    CY_YEAR,
    CY_PLACE,
    CY_REVENUE,
    CY_PROFIT,
    CY_DIVIDENDS,
    CY_NOTE,
    CY__COUNT
};

/* Split total (fen) over n holders in proportion to shares by the largest remainder: every
 * part is floor(total * shares / sum) and the fen left over go one each to the largest
 * remainders (ties to the earlier holder), so the parts always add up to total. out[i] gets
 * holder i's part. Returns ERR_INVALID when a share is not positive or total is negative. */
int dividend_split(int64_t total, const int64_t *shares, int n, int64_t *out);

/* A company's years with the dividend of each shareholder community:
 * {"company": {...}, "shares": N, "shareholders": [...], "years": [{year, revenue, profit,
 * dividends, "split": [{community, name, shares, amount}]}]}; year 0 = every year. The company
 * must be in the caller's scope (c->enforce). */
int company_dividends(struct db *db, struct reg_ctx *c, const char *id, int year, struct jsonw *w,
                      struct err *e);

#endif
