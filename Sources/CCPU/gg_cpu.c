#define _GNU_SOURCE
#include "gg_cpu.h"

#if defined(__linux__)
#include <sched.h>
#endif

#if defined(__x86_64__)
#include <cpuid.h>
#endif

static int probe(void) {
    int found = 0;
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const unsigned leaf1 = c;
    unsigned leaf7 = 0;
    if (__get_cpuid_max(0, 0) >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        leaf7 = b;
    }
    const int fma = (leaf1 >> 12) & 1, osxsave = (leaf1 >> 27) & 1, avx = (leaf1 >> 28) & 1;
    if (fma && osxsave && avx) {
        unsigned xcr0_low, xcr0_high;
        __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
        if ((xcr0_low & 6) == 6 && ((leaf7 >> 5) & 1)) found |= GG_CPU_AVX2_FMA;
    }
    const int ssse3 = (leaf1 >> 9) & 1, sse41 = (leaf1 >> 19) & 1;
    if (ssse3 && sse41 && ((leaf7 >> 29) & 1)) found |= GG_CPU_SHA;
#endif
    return found;
}

/// −1 until asked.
static int known = -1;

int gg_cpu_has(int features) {
    int found = __atomic_load_n(&known, __ATOMIC_ACQUIRE);
    if (found < 0) {
        found = probe();
        __atomic_store_n(&known, found, __ATOMIC_RELEASE);
    }
    return (found & features) == features;
}

int gg_cpu_affinity_count(void) {
#if defined(__linux__)
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    return CPU_COUNT(&set);
#else
    return 0;
#endif
}
