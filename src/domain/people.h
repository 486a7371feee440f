/* people.h - the registries of people: residents (户籍 and 新居民), households and new-resident
 * registrations (people.c), with identity and phone numbers as personal data. */
#ifndef GG_PEOPLE_H
#define GG_PEOPLE_H

#include "domain/registry.h"

/* Field order of reg_residents (for rules, the demo and tests). */
enum {
    RES_NAME,
    RES_ID_NUMBER,
    RES_GENDER,
    RES_BIRTH_DATE,
    RES_PHONE,
    RES_PLACE,
    RES_COMPOUND,
    RES_HOUSEHOLD,
    RES_ADDRESS,
    RES_KIND,
    RES_TAGS,
    RES_NOTE,
    RES__COUNT
};

/* Field order of reg_households and reg_registrations. */
enum { HH_NUMBER, HH_PLACE, HH_ADDRESS, HH_HEAD, HH_NOTE, HH__COUNT };
enum {
    RG_RESIDENT,
    RG_PLACE,
    RG_REGISTERED_ON,
    RG_ORIGIN,
    RG_ORIGIN_CODE,
    RG_WORKPLACE,
    RG_LANDLORD,
    RG_EXPECTED_MONTHS,
    RG_LEFT_ON,
    RG_NOTE,
    RG__COUNT
};

/* A resident's data in full, unmasked (the right of access), as a JSON object; the caller
 * audits the read. */
int resident_export(struct db *db, struct reg_ctx *c, const char *id, struct jsonw *w,
                    struct err *e);
/* Erase a resident's personal data on request: name, identity and phone numbers gone, the
 * record archived; its registrations stay, anonymised with it. */
int resident_erase(struct db *db, struct reg_ctx *c, const char *id, struct err *e);

#endif
