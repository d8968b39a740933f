import CHDF5
import Foundation

/// Every stage runs from one executable, `gridgrpo`, which links the Swift
/// runtime and Foundation statically (README "Speed": a stage process then
/// starts without resolving some twenty shared libraries' symbols). Each
/// stage executable of the registry (`Stage.executable`: `rollout`, `update`,
/// …) is a symbolic link to it in the same directory, and the name a process
/// was started under picks the stage, so make, Slurm and a user still run
/// `rollout --config …`. One binary instead of one per stage keeps the
/// statically linked code on disk (and in the page cache) once.
///
///     gridgrpo links            (re)create the links beside the binary
///     gridgrpo <stage> [flags]  the same as running the link <stage>
public enum StageBinary {
    public static let name = "gridgrpo"

    /// The executables of the registry, each once, in registry order.
    public static var linkNames: [String] {
        var names: [String] = []
        for stage in Stage.allCases where !names.contains(stage.executable) { names.append(stage.executable) }
        return names
    }

    /// glibc's allocator hands blocks over 128 KB to mmap and returns them to
    /// the kernel when freed, so the next such block comes back as fresh pages
    /// that fault in again (HDF5 callocs about 0.5 MB of metadata cache for
    /// every file a stage opens; a page fault costs about 3 µs on this VM).
    /// Blocks up to 16 MB now come from the heap: a 3×3 evaluate 842 → 712
    /// page faults, 7.1 → 6.8 ms of CPU (`perf stat`, README "Speed"). And
    /// freed heap is never handed back while the process runs (trim
    /// threshold 1 GB): with glibc's rule, a free that leaves more than the
    /// threshold unused at the top of the heap gives all of it back, so at the
    /// former 64 MB a 32×32 maze rollout (45 MB of steps joined from 45 MB of
    /// chunks) gave its memory back every time and faulted it in again the
    /// next (9.5M → 14M steps/s in `make bench`, 158k → 28k faults). The
    /// stages are short-lived and their peak memory is unchanged. It changes
    /// where memory comes from, never what is computed.
    public static func keepFreedMemory() { gg_keep_freed_memory() }

    static var usage: String {
        """
        USAGE: \(name) links
               \(name) <stage> [<flags>]

          One executable for every stage; the stages are links to it named
          \(linkNames.joined(separator: ", ")),
          and the name a process starts under picks the stage.

          links      make each stage name a symbolic link to this executable, in
                     its directory (replacing a file of that name)
          <stage>    run the stage as its link would; see `<stage> --help`

        """
    }

    /// Runs the stage named by how the process was started, or the command
    /// given to `gridgrpo` itself, and exits.
    public static func main(_ arguments: [String] = CommandLine.arguments) -> Never {
        keepFreedMemory()
        let started = arguments.first ?? name
        let invoked = String(started.split(separator: "/").last ?? Substring(started))
        if linkNames.contains(invoked) {
            StageCommand.main(executable: invoked, arguments: Array(arguments.dropFirst()))
        }
        let rest = Array(arguments.dropFirst())
        switch rest.first {
        case nil, "-h", "--help", "help":
            print(usage, terminator: "")
            exit(0)
        case "links":
            do {
                guard started.contains("/") else {
                    throw GridGRPOError("run `\(name) links` by its path (e.g. .build/release/\(name) links): the links go beside it")
                }
                let directory = String(started[..<(started.lastIndex(of: "/") ?? started.startIndex)])
                try installLinks(in: directory.isEmpty ? "/" : directory)
                exit(0)
            } catch {
                StageCommand.fail("Error: \(error)", status: 1)
            }
        case let stage? where linkNames.contains(stage):
            StageCommand.main(executable: stage, arguments: Array(rest.dropFirst()))
        case let other?:
            StageCommand.fail("Error: '\(other)' is not a stage (\(linkNames.joined(separator: ", "))) or `links`; see \(name) --help", status: 64)
        }
    }

    /// Makes `directory/<stage>` a symbolic link to `gridgrpo` (relative, so
    /// the directory can move) for every stage executable, replacing a file
    /// or an older link of that name. Running it again changes nothing.
    public static func installLinks(in directory: String) throws {
        let manager = FileManager.default
        guard manager.isExecutableFile(atPath: directory + "/" + name) else {
            throw GridGRPOError("\(directory)/\(name): no such executable; build it first (swift build)")
        }
        for link in linkNames {
            let path = directory + "/" + link
            if (try? manager.destinationOfSymbolicLink(atPath: path)) == name { continue }
            if (try? manager.attributesOfItem(atPath: path)) != nil {
                do { try manager.removeItem(atPath: path) } catch {
                    throw GridGRPOError("\(path): cannot replace it with a link to \(name) (\(error.localizedDescription))")
                }
            }
            do { try manager.createSymbolicLink(atPath: path, withDestinationPath: name) } catch {
                throw GridGRPOError("\(path): cannot create a link to \(name) (\(error.localizedDescription))")
            }
        }
    }
}
