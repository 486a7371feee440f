/* pii.h - personal data at rest: identity and phone numbers sealed with their own key (never
 * stored in the database: GRIDGOV_PII_KEY or DATA_DIR/pii.key), and a keyed hash of each value
 * under a second derived key, so that exact lookups and matching work without decrypting. */
#ifndef GG_PII_H
#define GG_PII_H

#include "core/arena.h"
#include "core/err.h"

/* Load (or create) the personal-data key; call once at start. */
int pii_init(const char *data_dir, struct err *e);
/* For tests and the fuzzer: a fixed key. */
void pii_init_fixed(const unsigned char key[32]);
/* Seal text (nonce + ciphertext, base64url) into arena memory. */
const char *pii_seal(struct arena *a, const char *text);
/* Open what pii_seal made (arena memory), or NULL if it does not verify. */
const char *pii_open(struct arena *a, const char *sealed);
/* Keyed BLAKE2b-256 of a normalised value as 64 hex characters: the lookup column. */
void pii_hash(const char *text, char out[65]);

#endif
