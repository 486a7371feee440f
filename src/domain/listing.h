/* listing.h - supply and demand listings (供需对接): what an enterprise offers or seeks (a product
 * or a service, a quantity, a region, valid until a date), and the matching of supply with demand
 * by chain, keywords (the character bigrams of case search, case_dedup.c) and region
 * (listing_match.c). */
#ifndef GG_LISTING_H
#define GG_LISTING_H

#include "domain/registry.h"

/* Field order of reg_listings (for rules, the demo and tests). */
enum {
    LS_ENTERPRISE,
    LS_ENTERPRISE_NAME,
    LS_SIDE,
    LS_KIND,
    LS_TITLE,
    LS_DETAIL,
    LS_QUANTITY,
    LS_CHAIN,
    LS_REGION,
    LS_VALID_UNTIL,
    LS_STATUS,
    LS_PLATFORM,
    LS_PLACE,
    LS__COUNT
};

/* What matching reads of a listing. */
struct listing_side {
    int64_t id, enterprise;
    const char *side;           /* "supply" or "demand" */
    const char *chain;          /* "" when none */
    const char *region;         /* a place code: the listing reaches its subtree */
    const char *title, *detail; /* detail may be NULL */
    const char *status;         /* only "open" listings match */
    const char *valid_until;    /* YYYY-MM-DD, inclusive */
};

#define LISTING_MATCH_MIN 30 /* a candidate scores at least this */
#define LISTING_CHAIN_POINTS 50
#define LISTING_WORD_POINTS 50 /* at most, for keywords: 100 x the Dice similarity, capped */

struct listing_match {
    int score;              /* 0..100 */
    int same_chain;         /* both name the same chain */
    double similarity;      /* Dice of the bigram sets of title and detail */
    const char *common;     /* the shared terms, "、"-separated, or "" */
    const char *reasons[3]; /* in Chinese, NULL after the last */
};

/* Is y a candidate for x on today (YYYY-MM-DD)? The other side, another enterprise, both open
 * and valid, regions overlapping (one contains the other) and a score of LISTING_MATCH_MIN or
 * more from the chain and the keywords. Returns 1 with m filled, else 0. Symmetric. */
int listing_match(struct arena *a, const struct listing_side *x, const struct listing_side *y,
                  const char *today, struct listing_match *m);

/* The candidates of listing id (which the caller must be able to read) among the open listings
 * of the other side in the district, best first: {"listing": {...}, "active": bool, "items":
 * [{id, side, kind, title, quantity, chain, region, valid_until, enterprise, enterprise_name,
 * score, reasons}]}. Offers are public to the district's offices: candidates outside the caller's
 * scope show their listing and enterprise name, nothing personal. */
int listing_matches(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                    struct err *e);

#endif
