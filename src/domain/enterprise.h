/* enterprise.h - enterprises (企业) as a registry: the unified social credit code of GB 32100,
 * the industry section of GB/T 4754, the industry chain, the town or community the enterprise
 * lies in, and its contact (personal data, masked as residents' phones are). Service by cadres,
 * visits and platforms build on it. */
#ifndef GG_ENTERPRISE_H
#define GG_ENTERPRISE_H

#include "domain/registry.h"

/* Field order of reg_enterprises (for rules, the demo and tests). */
enum {
    ENT_CREDIT_CODE,
    ENT_NAME,
    ENT_INDUSTRY,
    ENT_CHAIN,
    ENT_PLACE,
    ENT_ADDRESS,
    ENT_LISTED,
    ENT_EMPLOYEES,
    ENT_CONTACT,
    ENT_PHONE,
    ENT_NOTE,
    ENT_PLATFORM, /* migration 007 */
    ENT_CADRES,
    ENT_VISITS,
    ENT_PROBLEMS,
    ENT_SOLVED,
    ENT__COUNT
};

#endif
