/* photo.h - stored files: case photos (JPEG, PNG, WebP) and documents (the same images or PDF,
 * e.g. a ledger entry's voucher), recognised by their bytes, at most 10 MB, stored
 * content-addressed under DATA_DIR/photos/ab/cdef... (the SHA-256 in hex). */
#ifndef GG_PHOTO_H
#define GG_PHOTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define PHOTO_MAX_BYTES (10L * 1024 * 1024)
#define PHOTO_MAX_COUNT 9

/* What a stored file may be. */
enum photo_kind {
    PHOTO_IMAGE,    /* JPEG, PNG or WebP */
    PHOTO_DOCUMENT, /* an image or a PDF document */
};

/* "image/jpeg", "image/png", "image/webp" or NULL when the bytes are none of these. */
const char *photo_sniff(const void *data, size_t len);
/* As photo_sniff, and "application/pdf" for a whole PDF file (its header and, in its last
 * kilobyte, its end-of-file marker). */
const char *photo_sniff_document(const void *data, size_t len);
/* Check that the bytes are of the kind, hash and store them (idempotent: the same bytes land in
 * the same file). */
int photo_store(const char *data_dir, enum photo_kind kind, const void *data, size_t len,
                char sha256_hex[65], const char **mime, struct err *e);
/* The file path of a stored photo, or -1 if the hash is malformed. */
int photo_path(const char *data_dir, const char *sha256_hex, char *out, size_t n);

/* ---- orphans (photo_gc.c) ---- */

#define PHOTO_GC_GRACE 3600    /* seconds a stored file is left alone */
#define PHOTO_GC_INTERVAL 3600 /* seconds between collections in `gridgov serve` */

struct photo_gc_report {
    int removed, kept;
    int64_t bytes;
};
struct store;
struct backoffice;
/* Remove the files under data_dir/photos older than grace seconds that no record references (a
 * case's photo, a ledger entry's attachment), and stale temporary files. */
int photo_collect(struct store *s, const char *data_dir, int64_t now, int64_t grace,
                  struct photo_gc_report *out, struct err *e);
/* The collector of `gridgov serve`: a back-office thread under the lease 'photos'. */
struct backoffice *photo_collector_start(struct store *s, const char *data_dir);

#endif
