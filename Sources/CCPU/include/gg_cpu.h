// The CPU features the C code chooses its paths by (the kernels' AVX2 path,
// the digest's SHA-extensions path), asked of the CPU once per process, and
// the CPUs the process may run on.
#ifndef GG_CPU_H
#define GG_CPU_H

enum {
    /// AVX2 and FMA, and the OS saving the ymm registers (XCR0 bits 1, 2).
    GG_CPU_AVX2_FMA = 1 << 0,
    /// The SHA extensions, with the SSSE3 and SSE4.1 their code uses.
    GG_CPU_SHA = 1 << 1,
};

/// Whether the CPU has every feature in `features` (GG_CPU_… flags, or-ed).
/// cpuid is slow under a hypervisor (a VM exit): it runs once, the answer is kept.
int gg_cpu_has(int features);

/// How many CPUs this process's affinity mask holds (Linux `sched_getaffinity`:
/// what taskset, a cpuset or a Slurm allocation gives it); 0 where that is
/// unknown (another system, or the call failed).
int gg_cpu_affinity_count(void);

#endif
