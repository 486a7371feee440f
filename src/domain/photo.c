/* photo.c - checks of stored files (photos, documents) and content-addressed storage, written
 * atomically (temp + rename). */
#include "domain/photo.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *photo_sniff(const void *data, size_t len)
{
    const unsigned char *p = data;
    if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
        return "image/jpeg";
    if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
        return "image/png";
    if (len >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
        return "image/webp";
    return NULL;
}

const char *photo_sniff_document(const void *data, size_t len)
{
    const char *mime = photo_sniff(data, len);
    if (mime != NULL)
        return mime;
    if (len < 16 || memcmp(data, "%PDF-", 5) != 0)
        return NULL;
    /* a PDF ends with %%EOF, possibly followed by line ends; a truncated upload has none */
    size_t tail = len > 1024 ? 1024 : len;
    const char *end = (const char *)data + len - tail;
    if (memmem(end, tail, "%%EOF", 5) == NULL)
        return NULL;
    return "application/pdf";
}

int photo_path(const char *data_dir, const char *hex, char *out, size_t n)
{
    if (strlen(hex) != 64 || strspn(hex, "0123456789abcdef") != 64)
        return -1;
    snprintf(out, n, "%s/photos/%.2s/%s", data_dir, hex, hex + 2);
    return 0;
}

int photo_store(const char *data_dir, enum photo_kind kind, const void *data, size_t len,
                char hex[65], const char **mime, struct err *e)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char path[700], dir[700], tmp[720];

    if (len > (size_t)PHOTO_MAX_BYTES)
        return err_set(e, ERR_TOO_LARGE, "photo", "a photo is at most 10 MB");
    if (kind == PHOTO_DOCUMENT && (*mime = photo_sniff_document(data, len)) == NULL)
        return err_set(e, ERR_UNSUPPORTED, "file",
                       "attachments are JPEG, PNG or WebP images or whole PDF files");
    if (kind == PHOTO_IMAGE && (*mime = photo_sniff(data, len)) == NULL)
        return err_set(e, ERR_UNSUPPORTED, "photo", "photos are JPEG, PNG or WebP images");
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(hex, 65, h, sizeof(h));
    photo_path(data_dir, hex, path, sizeof(path));
    if (access(path, F_OK) == 0) {
        /* the same bytes are already there: fresh again, so the orphan collector (photo_gc.c)
         * leaves them while this report is committed */
        utimensat(AT_FDCWD, path, NULL, 0);
        return ERR_OK;
    }
    snprintf(dir, sizeof(dir), "%s/photos", data_dir);
    mkdir(dir, 0750);
    snprintf(dir, sizeof(dir), "%s/photos/%.2s", data_dir, hex);
    if (mkdir(dir, 0750) != 0 && errno != EEXIST)
        return err_set(e, ERR_INTERNAL, "photo", "cannot create %s: %s", dir, strerror(errno));
    snprintf(tmp, sizeof(tmp), "%s.%08x.tmp", path, randombytes_random());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
    if (fd < 0)
        return err_set(e, ERR_INTERNAL, "photo", "cannot write %s: %s", tmp, strerror(errno));
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            unlink(tmp);
            return err_set(e, ERR_INTERNAL, "photo", "cannot write a photo: %s", strerror(errno));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return err_set(e, ERR_INTERNAL, "photo", "cannot store a photo: %s", strerror(errno));
    }
    return ERR_OK;
}
