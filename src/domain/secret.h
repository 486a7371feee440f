/* secret.h - the server's master secret and the keys derived from it: the audit-chain key
 * (keyed BLAKE2b over timeline rows) and the box key that seals data kept only for its owner
 * (tracking tokens of idempotent replays). The master key lives in DATA_DIR/secret.key (0600),
 * created on first start, or comes from GRIDGOV_SECRET_KEY (64 hex digits). */
#ifndef GG_SECRET_H
#define GG_SECRET_H

#include <stddef.h>

#include "core/err.h"

/* Load or create the master key; call once at start before serving. */
int secret_init(const char *data_dir, struct err *e);
/* A 32-byte key from the environment variable env_name (64 hex digits) or else the file path,
 * which is created with a random key (mode 0600) when it does not exist. */
int secret_key_load(const char *env_name, const char *path, unsigned char key[32], struct err *e);
/* For tests and the fuzzer: a fixed key. */
void secret_init_fixed(const unsigned char key[32]);

/* Keyed BLAKE2b-256 of data under the audit key, as 64 hex characters. */
void secret_audit_mac(const void *data, size_t len, char out[65]);
/* Seal text (nonce + ciphertext, base64); returns a malloc'd string. */
char *secret_seal(const char *text);
/* Open what secret_seal made; returns a malloc'd string or NULL if it does not verify. */
char *secret_open(const char *sealed);

#endif
