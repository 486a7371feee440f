/* party_match.h - mobile party members (流动党员) found among new residents: new-resident
 * registrations scored against the rosters other places sent of their members who left, the
 * pairs above the threshold proposed as mobile-matches candidates, and the office's decision on
 * each (confirm: the person becomes a mobile_in member of a local organisation; reject: the pair
 * is never proposed again). */
#ifndef GG_PARTY_MATCH_H
#define GG_PARTY_MATCH_H

#include "domain/registry.h"

/* A pair scoring at least this is proposed; 100 is the same identity number. */
#define MATCH_THRESHOLD 60
#define MATCH_EXACT 100
/* The most reasons match_score gives. */
#define MATCH_MAX_REASONS 8

/* One side of a comparison: a registration (its resident's name, hashes and birth date, the
 * registration's place of origin) or a roster row. NULL or "" is unknown. */
struct match_person {
    const char *name;
    const char *id_hash;     /* keyed hash of the identity number */
    const char *birth_date;  /* YYYY-MM-DD */
    const char *phone_hash;  /* keyed hash of the phone number */
    const char *origin_code; /* division code of the place of origin, 6 to 12 digits */
    const char *origin;      /* the place of origin as text: 安徽省阜阳市临泉县 */
};

/* The score of a pair, 0..100, and its reasons in Chinese (static strings; reasons may be NULL,
 * else room for MATCH_MAX_REASONS). The same identity hash is 100 ("身份证号一致"); otherwise
 * the evidence is weighted: name (the same: 40, one character different in a name of 2-4
 * characters: 25), birth date (the same: 30, month and day swapped: 20, one digit different: 15),
 * phone (the same: 35), origin (the same county code or the one text inside the other: 15, the
 * same province: 4), and two different identity numbers take 25 off (both were checked, check
 * character included, when stored: more often two people than a typo); at most 99. */
int match_score(const struct match_person *reg, const struct match_person *roster,
                const char **reasons, int *nreasons);

struct match_stats {
    long registrations; /* open registrations under the place (members skipped) */
    long rosters;       /* roster rows compared against */
    long compared;      /* pairs scored: the candidates the blocks gave */
    long found;         /* pairs at or above the threshold */
    long exact;         /* of them, the same identity number */
    long proposed;      /* of them, new candidates stored by this run */
    long known;         /* of them, pairs already stored (any status): left as they are */
    double seconds;
};

/* Compare the open registrations under place with every roster row and store each new pair at
 * or above MATCH_THRESHOLD as a candidate (a pair already stored, whatever its status, is left
 * alone: runs are repeatable). The caller must be allowed to write mobile-matches at place when
 * c->enforce. Rosters are blocked by identity hash, birth date (and its month/day swap), phone
 * hash and name: no cross join. */
int match_run(struct store *s, struct reg_ctx *c, const char *place, struct match_stats *st,
              struct err *e);
/* The stats as a JSON object. */
void match_stats_json(struct jsonw *w, const char *place, const struct match_stats *st);

/* Confirm a candidate: the registration's resident becomes a mobile_in member of org (at or
 * above the match's place), the match is confirmed and an audit row ("match.confirm") is its
 * timeline entry; one transaction. 404/403 for the match, 409 unless a candidate or when the
 * resident already is a member, 422 "org". */
int match_confirm(struct store *s, struct reg_ctx *c, const char *match_id, const char *org_id,
                  const char *note, struct err *e);
/* Reject a candidate with a reason (required, 422 "reason"): the pair is never proposed again. */
int match_reject(struct store *s, struct reg_ctx *c, const char *match_id, const char *reason,
                 struct err *e);

#endif
