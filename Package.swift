// swift-tools-version:6.0
import Foundation
import PackageDescription

/// One library (`GridGRPO`) holds the domain; the executables are thin
/// `main.swift` files that parse their flags and call into it.
/// Every stage runs from one executable, `gridgrpo` (`StageBinary`): the stage
/// names (rollout, update, …) are links to it that `make` creates, its flags
/// come from the stage registry (no ArgumentParser). It links the Swift
/// runtime and Foundation statically: a stage process starts in about half
/// the time (README "Speed"), and one binary holds that code once.
/// The tools parse their flags with ArgumentParser.
let stageBinary = "gridgrpo"
let tools = ["inspect", "bench"]
/// The tool make runs before a run's first stage (the config copy, dag.mk):
/// linked as gridgrpo is (`stageLinking`), so it starts in a few ms instead of ten.
let makeTools = ["dag"]
/// Tools that also draw (they load Cairo through GridGRPOPlot).
let drawingTools = ["sweep"]

/// libhdf5 linked from Debian's static archive when it is there: the shared
/// library drags in libcurl and some forty libraries behind it, which every
/// stage process would load at start-up for nothing (the README's Speed
/// section measures it). Elsewhere, the shared library.
#if arch(arm64)
let multiarch = "aarch64-linux-gnu"
#else
let multiarch = "x86_64-linux-gnu"
#endif
let staticHDF5 = "/usr/lib/\(multiarch)/hdf5/serial/libhdf5.a"
/// Its compression libraries (szip through libaec, zlib) static too when
/// their archives are there: after libhdf5.a, which is what needs them.
let compressionArchives = ["libsz.a", "libaec.a", "libz.a"]
let staticCompression = compressionArchives.allSatisfy { FileManager.default.fileExists(atPath: "/usr/lib/\(multiarch)/\($0)") }
let hdf5Linking: [LinkerSetting] = FileManager.default.fileExists(atPath: staticHDF5)
    ? (staticCompression
        ? [.unsafeFlags(["-Xlinker", staticHDF5] + compressionArchives.flatMap { ["-Xlinker", "-l:" + $0] } + ["-Xlinker", "-lm"])]
        : [.unsafeFlags(["-Xlinker", staticHDF5]), .linkedLibrary("sz"), .linkedLibrary("z")])
        + [.linkedLibrary("m"), .linkedLibrary("dl")]
    : [.linkedLibrary("hdf5_serial")]

/// The static executables' C++ runtime (`staticRuntime`): GCC's static libstdc++ when it is there, through
/// the linker script in Sources/gridgrpo/StaticLibraries (Swift's static
/// runtime asks for -lstdc++ before any flag of ours could say -Bstatic).
let gccDirectory = "/usr/lib/gcc/\(multiarch)"
let staticCxx = ((try? FileManager.default.contentsOfDirectory(atPath: gccDirectory)) ?? [])
    .contains { FileManager.default.fileExists(atPath: "\(gccDirectory)/\($0)/libstdc++.a") }
let cxxLinking = staticCxx ? ["-L", Context.packageDirectory + "/Sources/gridgrpo/StaticLibraries"] : []

/// The Swift runtime and Foundation linked statically: a process then starts
/// without loading and relocating some twenty shared libraries. Foundation's
/// static libraries name their own dependencies only when every module is
/// compiled with -static-stdlib (as SwiftPM's --static-swift-stdlib does for
/// every product); here only the targets below link so, and the libraries
/// are named as one group. Such an executable cannot be a test dependency
/// (the test bundle would link with these flags); `swift test` builds it anyway.
func staticSwift(_ mode: [String]) -> [LinkerSetting] {
    [.unsafeFlags(mode + cxxLinking + ["-Xlinker", "--start-group"]
        + ["Foundation", "FoundationEssentials", "FoundationInternationalization", "CoreFoundation",
           "_FoundationCollections", "_FoundationCShims", "_FoundationICU", "swiftSynchronization",
           "swiftDispatch", "dispatch", "BlocksRuntime", "swiftCore", "stdc++"].flatMap { ["-Xlinker", "-l" + $0] }
        + ["-Xlinker", "--end-group"])]
}

/// plot (every figure): the Swift runtime static, glibc and Cairo's libraries
/// shared. Position-dependent (-no-pie): no relocations for the dynamic
/// loader to apply to some 77 000 pointers at every start.
let staticRuntime = staticSwift(["-static-stdlib", "-Xclang-linker", "-no-pie"])

/// gridgrpo (every stage) fully static, glibc included, when every library it
/// links has its archive here (libc6-dev, libstdc++, HDF5, zlib, szip): no
/// dynamic loader runs at all (README "Speed": a 3×3 evaluate 6.5 → 5.7 ms of
/// CPU). The stages call none of the glibc functions that would load a shared
/// library at run time (name service lookups, dlopen: the linker's warnings
/// about them, which `make build` filters, concern code the stages never
/// reach). Elsewhere, as plot.
let libcArchive = "/usr/lib/\(multiarch)/libc.a"
let fullyStatic = staticCxx && staticCompression
    && [staticHDF5, libcArchive].allSatisfy { FileManager.default.fileExists(atPath: $0) }
let stageLinking = fullyStatic ? staticSwift(["-static-executable"]) : staticRuntime

let package = Package(
    name: "GridGRPO",
    products: [.library(name: "GridGRPO", targets: ["GridGRPO"]), .executable(name: "plot", targets: ["plot"])]
        + ([stageBinary] + makeTools + tools + drawingTools).map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Headers only: the library is linked by `hdf5Linking` above.
        .systemLibrary(
            name: "CHDF5",
            providers: [.apt(["libhdf5-dev"])]
        ),
        // SHA-256 for the provenance digests: portable C and the x86 SHA
        // extensions, chosen at run time (no libcrypto to load at start-up).
        .target(
            name: "CDigest",
            dependencies: ["CCPU"],
            cSettings: [.unsafeFlags(["-O2"])]
        ),
        // The CPU features the C targets choose their paths by, asked once,
        // and the CPUs this process may run on.
        .target(name: "CCPU"),
        // snprintf of doubles for `String(cFormat:)`, without Swift's va_list builder.
        .target(name: "CFormat"),
        .systemLibrary(
            name: "CCairo",
            pkgConfig: "cairo",
            providers: [.apt(["libcairo2-dev"])]
        ),
        .target(
            name: "CPNG",
            linkerSettings: [.linkedLibrary("png16")]
        ),
        // The networks' arithmetic kernels, one body compiled per instruction
        // set (baseline and AVX2 + FMA) and chosen at run time. Always
        // optimised: the debug build's tests then time what users run. No
        // contraction: every fused multiply-add is written out.
        .target(
            name: "CKernels",
            dependencies: ["CCPU"],
            cSettings: [.unsafeFlags(["-O2", "-ffp-contract=off", "-Wno-psabi"])]
        ),
        .target(
            name: "GridGRPO",
            dependencies: ["CHDF5", "CCPU", "CDigest", "CFormat", "CKernels", .product(name: "Yams", package: "Yams")],
            linkerSettings: hdf5Linking
        ),
        // `make bench`'s measurements start python3 and make: only the bench
        // executable links them, not every stage.
        .target(
            name: "GridGRPOBench",
            dependencies: ["GridGRPO"]
        ),
        // Figures and the report live in their own target so the training
        // stages do not load Cairo and its dependencies at start-up.
        .target(
            name: "GridGRPOPlot",
            dependencies: ["GridGRPO", "CCairo", "CPNG"]
        ),
        .executableTarget(
            name: "plot",
            dependencies: ["GridGRPOPlot", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: staticRuntime
        ),
        // The tools are test dependencies so `swift test` builds them: the
        // end-to-end tests run the real binaries through the Makefile. gridgrpo
        // (the stages), dag and plot cannot be (static runtime); `swift test`
        // builds them anyway, as every product, and the tests link the stage
        // names to gridgrpo as make does.
        // Fixtures/ holds numbers made once by real PyTorch (scripts/torch_fixtures.py);
        // the tests read them by path.
        .testTarget(name: "GridGRPOTests",
                    dependencies: ["GridGRPO", "GridGRPOPlot", "CPNG"] + (tools + drawingTools).map { .target(name: $0) },
                    exclude: ["Fixtures"]),
        .executableTarget(
            name: stageBinary,
            dependencies: ["GridGRPO"],
            exclude: ["StaticLibraries"],
            linkerSettings: stageLinking
        ),
    ] + makeTools.map {
        .executableTarget(
            name: $0,
            dependencies: ["GridGRPO", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: stageLinking
        )
    } + tools.map {
        .executableTarget(
            name: $0,
            dependencies: ["GridGRPO", .product(name: "ArgumentParser", package: "swift-argument-parser")]
                + ($0 == "bench" ? ["GridGRPOBench"] : [])
        )
    } + drawingTools.map {
        .executableTarget(
            name: $0,
            dependencies: ["GridGRPO", "GridGRPOPlot", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        )
    }
)
