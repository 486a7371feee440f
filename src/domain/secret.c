/* secret.c - master key handling and the derived audit and box keys (libsodium). */
#include "domain/secret.h"
#include "core/arena.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char audit_key[crypto_generichash_KEYBYTES];
static unsigned char box_key[crypto_secretbox_KEYBYTES];
static int ready;

static void derive(const unsigned char master[32])
{
    crypto_kdf_derive_from_key(audit_key, sizeof(audit_key), 1, "gg-audit", master);
    crypto_kdf_derive_from_key(box_key, sizeof(box_key), 2, "gg-boxes", master);
    ready = 1;
}

void secret_init_fixed(const unsigned char key[32])
{
    derive(key);
}

int secret_key_load(const char *env_name, const char *path, unsigned char key[32], struct err *e)
{
    const char *env = getenv(env_name);
    if (env != NULL && *env) {
        size_t n = 0;
        if (sodium_hex2bin(key, 32, env, strlen(env), NULL, &n, NULL) != 0 || n != 32)
            return err_set(e, ERR_INVALID, env_name, "must be 64 hex digits");
        return ERR_OK;
    }
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        ssize_t got = read(fd, key, 32);
        close(fd);
        if (got != 32)
            return err_set(e, ERR_INVALID, "secret", "%s is not a 32-byte key", path);
    } else if (errno == ENOENT) {
        randombytes_buf(key, 32);
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0 || write(fd, key, 32) != 32 || fsync(fd) != 0) {
            if (fd >= 0)
                close(fd);
            return err_set(e, ERR_INTERNAL, "secret", "cannot write %s: %s", path, strerror(errno));
        }
        close(fd);
    } else {
        return err_set(e, ERR_INTERNAL, "secret", "cannot read %s: %s", path, strerror(errno));
    }
    return ERR_OK;
}

int secret_init(const char *data_dir, struct err *e)
{
    unsigned char master[32];
    char path[600];
    snprintf(path, sizeof(path), "%s/secret.key", data_dir);
    if (secret_key_load("GRIDGOV_SECRET_KEY", path, master, e) != ERR_OK)
        return e->code;
    derive(master);
    sodium_memzero(master, sizeof(master));
    return ERR_OK;
}

void secret_audit_mac(const void *data, size_t len, char out[65])
{
    unsigned char h[32];
    if (!ready)
        abort(); /* a programming error: secret_init was not called */
    crypto_generichash(h, sizeof(h), data, len, audit_key, sizeof(audit_key));
    sodium_bin2hex(out, 65, h, sizeof(h));
}

char *secret_seal(const char *text)
{
    size_t n = strlen(text);
    size_t raw_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    unsigned char *raw = xmalloc(raw_len);
    randombytes_buf(raw, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(raw + crypto_secretbox_NONCEBYTES, (const unsigned char *)text, n, raw,
                          box_key);
    size_t b64_len = sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = xmalloc(b64_len);
    sodium_bin2base64(out, b64_len, raw, raw_len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    free(raw);
    return out;
}

char *secret_open(const char *sealed)
{
    size_t len = strlen(sealed), raw_len = 0;
    unsigned char *raw = xmalloc(len + 1);
    char *out = NULL;
    if (sodium_base642bin(raw, len + 1, sealed, len, NULL, &raw_len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        raw_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        goto out;
    size_t n = raw_len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    out = xmalloc(n + 1);
    if (crypto_secretbox_open_easy((unsigned char *)out, raw + crypto_secretbox_NONCEBYTES,
                                   raw_len - crypto_secretbox_NONCEBYTES, raw, box_key) != 0) {
        free(out);
        out = NULL;
        goto out;
    }
    out[n] = '\0';
out:
    free(raw);
    return out;
}
