import Foundation
import Testing
@testable import GridGRPO

@Suite("AtomicFile: whole or not at all")
struct AtomicFileTests {
    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    func entries(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    @Test func writeCreatesTheDirectoryAndLeavesNoTemporary() throws {
        let directory = temporaryDirectory("atomic-write")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/new/deeper/file.txt"
        try AtomicFile.write(Data("hello".utf8), to: path)
        #expect(contents(path) == "hello")
        #expect(entries(directory + "/new/deeper") == ["file.txt"])
        try AtomicFile.write([UInt8](), to: directory + "/empty")
        #expect(contents(directory + "/empty") == "")
    }

    /// The temporary sits beside the destination: its directory and name as
    /// POSIX dirname and basename give them (hand-written values).
    @Test func destinationSplitsIntoDirectoryAndName() {
        let cases: [(String, String, String)] = [
            ("eval.h5", ".", "eval.h5"), ("artifacts/iter-0001/eval.h5", "artifacts/iter-0001", "eval.h5"),
            ("/tmp/x", "/tmp", "x"), ("/x", "/", "x"), ("a//b", "a", "b"), ("a/b/", "a", "b"), ("a/b//", "a", "b"),
            ("./out", ".", "out"), ("../out", "..", "out"), ("//x", "/", "x"), ("a b/c d", "a b", "c d"), ("é/ü.h5", "é", "ü.h5"),
        ]
        for (path, directory, name) in cases {
            let split = AtomicFile.split(path)
            #expect(split.directory == directory && split.name == name, "\(path): \(split)")
        }
    }

    @Test func anExistingDestinationIsReplacedOnlyOnCommit() throws {
        let directory = temporaryDirectory("atomic-commit")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.bin"
        try AtomicFile.write(Data("old".utf8), to: path)
        let file = try AtomicFile(path: path)
        #expect(file.temporaryPath == "\(directory)/.out.bin.\(getpid()).tmp")
        #expect(FileManager.default.createFile(atPath: file.temporaryPath, contents: Data("new".utf8)))
        #expect(contents(path) == "old")
        try file.commit()
        #expect(contents(path) == "new")
        #expect(entries(directory) == ["out.bin"])
        try file.commit()  // a second commit does nothing
        #expect(contents(path) == "new")
    }

    @Test func aWriterThatFailsLeavesTheDestinationAndNoTemporary() throws {
        let directory = temporaryDirectory("atomic-fail")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.bin"
        try AtomicFile.write(Data("old".utf8), to: path)
        struct Failure: Error {}
        func failingWriter() throws {
            let file = try AtomicFile(path: path)
            #expect(FileManager.default.createFile(atPath: file.temporaryPath, contents: Data("half".utf8)))
            throw Failure()
        }
        #expect(throws: Failure.self) { try failingWriter() }
        #expect(contents(path) == "old")
        #expect(entries(directory) == ["out.bin"])

        let discarded = try AtomicFile(path: path)
        discarded.discard()
        try discarded.commit()  // nothing left to commit
        #expect(contents(path) == "old")
        #expect(entries(directory) == ["out.bin"])
    }

    @Test func aFailedRenameRemovesTheTemporaryAndSaysWhy() throws {
        let directory = temporaryDirectory("atomic-rename")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // the destination is a non-empty directory: rename(2) refuses
        let path = directory + "/taken"
        try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
        #expect(throws: GridGRPOError("\(path): cannot move the finished file into place (Is a directory)")) {
            try AtomicFile.write(Data("x".utf8), to: path)
        }
        #expect(entries(directory) == ["taken"])
    }

    @Test func staleTemporariesOfTheSameFileAreRemoved() throws {
        let directory = temporaryDirectory("atomic-stale")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in [".out.bin.123.tmp", ".out.bin.99999.tmp", ".other.bin.123.tmp", "out.bin.123.tmp"] {
            #expect(FileManager.default.createFile(atPath: directory + "/" + name, contents: Data("stale".utf8)))
        }
        try AtomicFile.write(Data("fresh".utf8), to: directory + "/out.bin")
        #expect(entries(directory) == [".other.bin.123.tmp", "out.bin", "out.bin.123.tmp"])
    }

    @Test func aDirectoryThatCannotBeMadeFailsWithOneLineNamingThePath() throws {
        let directory = temporaryDirectory("atomic-missing")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(FileManager.default.createFile(atPath: directory + "/plain", contents: Data()))
        let path = directory + "/plain/sub/out.bin"
        #expect(throws: GridGRPOError("\(path): cannot create directory \(directory)/plain/sub (Not a directory)")) {
            try AtomicFile.write(Data("x".utf8), to: path)
        }
        #expect(throws: GridGRPOError("\(path): cannot create directory \(directory)/plain/sub (Not a directory)")) {
            _ = try HDF5Writer(path: path)
        }
        #expect(entries(directory) == ["plain"])
    }

    /// Root may write anywhere, so this runs only for other users.
    @Test(.enabled(if: geteuid() != 0, "root ignores directory permissions"))
    func aReadOnlyDirectoryFailsWithOneLineNamingThePath() throws {
        let directory = temporaryDirectory("atomic-readonly")
        defer {
            chmod(directory, 0o755)
            try? FileManager.default.removeItem(atPath: directory)
        }
        #expect(chmod(directory, 0o555) == 0)
        let path = directory + "/out.bin"
        #expect(throws: GridGRPOError("\(path): cannot create a file in \(directory) (Permission denied)")) {
            try AtomicFile.write(Data("x".utf8), to: path)
        }
        #expect(entries(directory) == [])
    }

    @Test func hdf5WriterDroppedWithoutCommitLeavesNothing() throws {
        let directory = temporaryDirectory("atomic-hdf5")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try withHDF5 {
            let writer = try HDF5Writer(path: directory + "/a.h5")
            try writer.root.write("x", [Float(1), 2, 3])
        }
        #expect(entries(directory) == [])
    }
}
