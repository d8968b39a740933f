// SHA-256 as FIPS 180-4 §6.2 states it: 64-byte blocks, big-endian words,
// 64 rounds per block; the message padded with 0x80, zeros and its length in
// bits (64-bit big-endian) to a whole number of blocks.
#include "gg_sha256.h"

#include "gg_cpu.h"

#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// MARK: - Portable

static inline uint32_t rotate_right(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static inline uint32_t load_big_endian(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static void blocks_portable(uint32_t state[8], const uint8_t *blocks, size_t count) {
    for (; count > 0; count--, blocks += 64) {
        uint32_t w[64];
        for (int t = 0; t < 16; t++) w[t] = load_big_endian(blocks + 4 * t);
        for (int t = 16; t < 64; t++) {
            const uint32_t s0 = rotate_right(w[t - 15], 7) ^ rotate_right(w[t - 15], 18) ^ (w[t - 15] >> 3);
            const uint32_t s1 = rotate_right(w[t - 2], 17) ^ rotate_right(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            const uint32_t sum1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
            const uint32_t choice = (e & f) ^ (~e & g);
            const uint32_t t1 = h + sum1 + choice + round_constants[t] + w[t];
            const uint32_t sum0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
            const uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
            const uint32_t t2 = sum0 + majority;
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

// MARK: - SHA extensions

#if defined(__x86_64__)
/// The SHA extensions keep the state as two vectors, ABEF and CDGH (lane 3
/// first), and do two rounds per `sha256rnds2`: the first from the low two
/// lanes of the message-plus-constant vector, the next two from its high lanes.
__attribute__((target("sha,sse4.1,ssse3")))
static void blocks_shani(uint32_t state[8], const uint8_t *blocks, size_t count) {
    // Reverses the bytes of each 32-bit lane: the message words are big-endian.
    const __m128i byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
    __m128i abcd = _mm_loadu_si128((const __m128i *)&state[0]);   // lanes a b c d
    __m128i efgh = _mm_loadu_si128((const __m128i *)&state[4]);   // lanes e f g h
    abcd = _mm_shuffle_epi32(abcd, 0xB1);                         // b a d c
    efgh = _mm_shuffle_epi32(efgh, 0x1B);                         // h g f e
    __m128i abef = _mm_alignr_epi8(abcd, efgh, 8);                // f e b a
    __m128i cdgh = _mm_blend_epi16(efgh, abcd, 0xF0);             // h g d c
    for (; count > 0; count--, blocks += 64) {
        const __m128i abef_saved = abef, cdgh_saved = cdgh;
        __m128i w[4];
        for (int group = 0; group < 16; group++) {
            __m128i words;
            if (group < 4) {
                words = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(blocks + 16 * group)), byte_swap);
            } else {
                // W[t…t+3] from W[t−16…t−13], W[t−12…], W[t−8…], W[t−4…] (w[group % 4] holds t−16…).
                const __m128i older = w[group % 4], old = w[(group + 1) % 4];
                const __m128i recent = w[(group + 2) % 4], latest = w[(group + 3) % 4];
                words = _mm_sha256msg1_epu32(older, old);
                words = _mm_add_epi32(words, _mm_alignr_epi8(latest, recent, 4));   // + W[t−7…t−4]
                words = _mm_sha256msg2_epu32(words, latest);
            }
            w[group % 4] = words;
            const __m128i sum = _mm_add_epi32(words, _mm_loadu_si128((const __m128i *)&round_constants[4 * group]));
            // Rounds 4g, 4g+1 return the new ABEF (kept in `cdgh`: after the
            // next two rounds it is their CDGH); rounds 4g+2, 4g+3 start from
            // the old ABEF as their CDGH.
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, sum);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(sum, 0x0E));
        }
        abef = _mm_add_epi32(abef, abef_saved);
        cdgh = _mm_add_epi32(cdgh, cdgh_saved);
    }
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}
#endif

// MARK: - Selection

int gg_sha256_available(int path) {
    switch (path) {
    case GG_SHA256_PORTABLE: return 1;
    case GG_SHA256_SHANI: return gg_cpu_has(GG_CPU_SHA);
    default: return 0;
    }
}

static void compress(const gg_sha256 *hash, uint32_t state[8], const uint8_t *blocks, size_t count) {
#if defined(__x86_64__)
    if (hash->path == GG_SHA256_SHANI) {
        blocks_shani(state, blocks, count);
        return;
    }
#endif
    blocks_portable(state, blocks, count);
}

// MARK: - Messages

int gg_sha256_init_path(gg_sha256 *hash, int path) {
    if (!gg_sha256_available(path)) return -1;
    static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(hash->state, initial, sizeof initial);
    hash->length = 0;
    hash->buffered = 0;
    hash->path = path;
    return 0;
}

void gg_sha256_init(gg_sha256 *hash) {
    gg_sha256_init_path(hash, gg_sha256_available(GG_SHA256_SHANI) ? GG_SHA256_SHANI : GG_SHA256_PORTABLE);
}

void gg_sha256_update(gg_sha256 *hash, const void *bytes, size_t count) {
    const uint8_t *p = bytes;
    hash->length += count;
    if (hash->buffered > 0) {
        const size_t take = count < 64 - hash->buffered ? count : 64 - hash->buffered;
        memcpy(hash->buffer + hash->buffered, p, take);
        hash->buffered += (uint32_t)take;
        p += take;
        count -= take;
        if (hash->buffered < 64) return;
        compress(hash, hash->state, hash->buffer, 1);
        hash->buffered = 0;
    }
    if (count >= 64) {
        compress(hash, hash->state, p, count / 64);
        p += count / 64 * 64;
        count %= 64;
    }
    memcpy(hash->buffer, p, count);
    hash->buffered = (uint32_t)count;
}

void gg_sha256_final(gg_sha256 *hash, uint8_t digest[32]) {
    const uint64_t bits = hash->length * 8;
    uint8_t padding[72] = {0x80};
    // 0x80, then zeros up to 56 bytes into a block, then the length: 9…72 bytes.
    const size_t zeros = (hash->buffered < 56 ? 55 - hash->buffered : 119 - hash->buffered);
    for (int i = 0; i < 8; i++) padding[1 + zeros + i] = (uint8_t)(bits >> (56 - 8 * i));
    gg_sha256_update(hash, padding, 1 + zeros + 8);
    for (int i = 0; i < 8; i++) {
        digest[4 * i] = (uint8_t)(hash->state[i] >> 24);
        digest[4 * i + 1] = (uint8_t)(hash->state[i] >> 16);
        digest[4 * i + 2] = (uint8_t)(hash->state[i] >> 8);
        digest[4 * i + 3] = (uint8_t)hash->state[i];
    }
}
