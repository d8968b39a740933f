import Foundation
import Testing
@testable import GridGRPO

@Suite("Counter-based randomness")
struct RandomnessTests {
    @Test func rawStreamIsSplitMix64() {
        // SplitMix64 from state 0: its published first three outputs
        var stream = RandomStream(rawState: 0)
        #expect(stream.next() == 0xE220_A839_7B1D_CDAF)
        #expect(stream.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(stream.next() == 0x06C4_5D18_8009_454F)
    }

    @Test func streamsDependOnlyOnTheirCoordinates() {
        var a = RandomStream(seed: 3, stage: .rollout, iteration: 7, index: 11)
        var b = RandomStream(seed: 3, stage: .rollout, iteration: 7, index: 11)
        #expect((0..<8).map { _ in a.next() } == (0..<8).map { _ in b.next() })
        let coordinates: [(UInt64, RandomStream.Stage, Int, Int)] = [
            (3, .rollout, 7, 11), (4, .rollout, 7, 11), (3, .update, 7, 11), (3, .rollout, 8, 11), (3, .rollout, 7, 12),
        ]
        let firsts = coordinates.map { c -> UInt64 in
            var s = RandomStream(seed: c.0, stage: c.1, iteration: c.2, index: c.3)
            return s.next()
        }
        #expect(Set(firsts).count == coordinates.count)
    }

    @Test func boundedIntegersAndUnitFloatsStayInRange() {
        var stream = RandomStream(seed: 1, stage: .evaluate, iteration: 0, index: 0)
        var histogram = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 {
            let value = stream.nextInt(below: 7)
            histogram[value] += 1
            let u = stream.nextUnitFloat()
            #expect(u >= 0 && u < 1)
        }
        #expect(histogram.allSatisfy { abs($0 - 10_000) < 500 })
    }
}

@Suite("SHA-256")
struct DigestTests {
    @Test func standardTestVectors() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func chunkedUpdatesEqualOneUpdate() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = SHA256()
        hasher.update(bytes[0..<1])
        hasher.update(bytes[1..<130])
        hasher.update(bytes[130...])
        #expect(hasher.finalize().map { String(format: "%02x", $0) }.joined() == SHA256.hex(bytes))
    }

    @Test func fileDigestMatchesCoreutilsSha256sum() throws {
        let path = NSTemporaryDirectory() + "gridgrpo-digest-\(getpid()).bin"
        let bytes = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try runProcess("/usr/bin/sha256sum", [path]).output
        #expect(try SHA256.hex(ofFile: path) == String(output.prefix(64)))
    }
}
