// SHA-256 (FIPS 180-4) for the provenance digests: a portable C compression
// function and one on the x86 SHA extensions, chosen at run time (the same
// digest either way; the tests run both on every length up to several blocks).
#ifndef GG_SHA256_H
#define GG_SHA256_H

#include <stddef.h>
#include <stdint.h>

/// A hash in progress: a plain value, so a copy continues independently.
typedef struct {
    uint32_t state[8];
    uint64_t length;      // bytes added so far
    uint8_t buffer[64];   // the partial block
    uint32_t buffered;    // bytes in `buffer`, 0…63
    int32_t path;         // the compression function: GG_SHA256_PORTABLE or GG_SHA256_SHANI
} gg_sha256;

enum { GG_SHA256_PORTABLE = 0, GG_SHA256_SHANI = 1, GG_SHA256_PATH_COUNT = 2 };

/// Starts a hash on the fastest path this CPU has.
void gg_sha256_init(gg_sha256 *hash);
/// Starts a hash on `path`; −1 (and `hash` untouched) if this CPU lacks it.
int gg_sha256_init_path(gg_sha256 *hash, int path);
void gg_sha256_update(gg_sha256 *hash, const void *bytes, size_t count);
/// Writes the 32-byte digest of everything added; `hash` is then spent (init it again to reuse).
void gg_sha256_final(gg_sha256 *hash, uint8_t digest[32]);

/// Whether this CPU can run `path` (GG_SHA256_PORTABLE always).
int gg_sha256_available(int path);

#endif
