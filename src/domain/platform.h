/* platform.h - industry platforms (产业平台): a development zone (杭州湾上虞经济技术开发区) or an
 * industry-chain platform (1+3+N: a joint party committee with sub-domain bodies for 半导体材料,
 * 新能源材料, 氟材料 ...), their member enterprises (an enterprise's platform), the chain's short
 * boards (产业短板), and a platform's page with its joint committee, sub-domains, members, listings
 * and short boards. */
#ifndef GG_PLATFORM_H
#define GG_PLATFORM_H

#include "domain/registry.h"

/* Field order of reg_platforms and reg_shortboards (for rules, the demo and tests). */
enum {
    PF_NAME,
    PF_KIND,
    PF_PARENT,
    PF_CHAIN,
    PF_PLACE,
    PF_MANAGER,
    PF_PARTY_ORG,
    PF_MEMBERS,
    PF_NOTE,
    PF__COUNT
};
enum {
    SB_PLATFORM,
    SB_CHAIN,
    SB_LINK,
    SB_PLAN,
    SB_OWNER,
    SB_STATUS,
    SB_ATTRACTED,
    SB_NOTE,
    SB__COUNT
};

/* A platform's page: the platform, its joint party committee (the organisation attached to it),
 * its sub-domain bodies with their chains and members, the member enterprises (those of its
 * sub-domains included), the open listings of its members and its short boards. Enterprises and
 * listings are those c's user may read. */
int platform_page(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w, struct err *e);

#endif
