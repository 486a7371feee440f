/* pii.c - the personal-data key, sealing (libsodium secretbox) and the keyed lookup hash. */
#include "domain/pii.h"
#include "domain/secret.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char box_key[crypto_secretbox_KEYBYTES];
static unsigned char hash_key[crypto_generichash_KEYBYTES];
static int ready;

void pii_init_fixed(const unsigned char key[32])
{
    crypto_kdf_derive_from_key(box_key, sizeof(box_key), 1, "gg-piibx", key);
    crypto_kdf_derive_from_key(hash_key, sizeof(hash_key), 2, "gg-piihs", key);
    ready = 1;
}

int pii_init(const char *data_dir, struct err *e)
{
    unsigned char master[32];
    char path[600];
    snprintf(path, sizeof(path), "%s/pii.key", data_dir);
    if (secret_key_load("GRIDGOV_PII_KEY", path, master, e) != ERR_OK)
        return e->code;
    pii_init_fixed(master);
    sodium_memzero(master, sizeof(master));
    return ERR_OK;
}

static void need_key(void)
{
    if (!ready)
        abort(); /* a programming error: pii_init was not called */
}

/* A unique nonce without a system call per value: 16 random bytes per thread, then a counter
 * (XSalsa20's 24-byte nonces leave room for both; no two threads or processes share a prefix
 * but by a 2^-128 chance). */
static void nonce_next(unsigned char out[crypto_secretbox_NONCEBYTES])
{
    static _Thread_local unsigned char prefix[16];
    static _Thread_local uint64_t counter;
    if (counter == 0)
        randombytes_buf(prefix, sizeof(prefix));
    counter++;
    memcpy(out, prefix, sizeof(prefix));
    for (int i = 0; i < 8; i++)
        out[16 + i] = (unsigned char)(counter >> (8 * i));
}

const char *pii_seal(struct arena *a, const char *text)
{
    need_key();
    size_t n = strlen(text);
    size_t raw_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    unsigned char *raw = arena_alloc(a, raw_len);
    nonce_next(raw);
    crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, (const unsigned char *)text, n, raw,
                          box_key);
    size_t b64_len = sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, b64_len);
    sodium_bin2base64(out, b64_len, raw, raw_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

const char *pii_open(struct arena *a, const char *sealed)
{
    need_key();
    size_t len = strlen(sealed), raw_len = 0;
    unsigned char *raw = arena_alloc(a, len + 1);
    if (sodium_base642bin(raw, len + 1, sealed, len, NULL, &raw_len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        raw_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return NULL;
    size_t n = raw_len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *out = arena_alloc(a, n + 1);
    if (crypto_secretbox_open_easy((unsigned char *)out, raw + crypto_secretbox_NONCEBYTES,
                                   raw_len - crypto_secretbox_NONCEBYTES, raw, box_key) != 0)
        return NULL;
    out[n] = '\0';
    return out;
}

void pii_hash(const char *text, char out[65])
{
    unsigned char h[32];
    need_key();
    crypto_generichash(h, sizeof(h), (const unsigned char *)text, strlen(text), hash_key,
                       sizeof(hash_key));
    sodium_bin2hex(out, 65, h, sizeof(h));
}
