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

    /// The key derivation and the draws of README "Randomness", against numbers
    /// computed independently with Python's integers:
    ///
    ///     M=2**64-1;G=0x9E3779B97F4A7C15
    ///     mix=lambda z:(lambda z:(lambda z:z^(z>>31))(((z^(z>>27))*0x94D049BB133111EB)&M))(((z^(z>>30))*0xBF58476D1CE4E5B9)&M)
    ///     key=lambda s,st,i,x:mix(mix(mix(mix(s)^st)^i)^x)
    ///     k=key(3,2,7,11);print([hex(mix((k+(n+1)*G)&M)) for n in range(4)])
    ///     print([hex(mix((key(*c)+G)&M)) for c in [(4,2,7,11),(3,3,7,11),(3,2,8,11),(3,2,7,12)]])
    ///
    /// (stage tags: initialize 1, rollout 2, update 3, evaluate 4, group 5)
    @Test func streamsFollowTheDocumentedKeyDerivation() {
        var stream = RandomStream(seed: 3, stage: .rollout, iteration: 7, index: 11)
        #expect((0..<4).map { _ in stream.next() }
                == [0x6273_4A9C_FA39_119C, 0xCF50_55BC_B455_7FC3, 0x346B_B449_7657_D6CA, 0x7428_4DC7_738A_DA41])
        // one coordinate changed at a time: seed, stage, iteration, index
        let firsts = [(UInt64(4), RandomStream.Stage.rollout, 7, 11), (3, .update, 7, 11), (3, .rollout, 8, 11), (3, .rollout, 7, 12)]
            .map { c -> UInt64 in
                var s = RandomStream(seed: c.0, stage: c.1, iteration: c.2, index: c.3)
                return s.next()
            }
        #expect(firsts == [0x1249_8FED_869E_C7CC, 0x2C94_EB2E_ACA5_61B6, 0xF622_0AE7_35C8_C972, 0x7B90_AB7E_DA2C_EB61])
    }

    /// Integers and floats from the draws, by the documented rules:
    /// nextInt(below: n) is Lemire's ⌊draw·n / 2⁶⁴⌋ (accepted when the low
    /// word is at least (2⁶⁴ − n) mod n), nextUnitFloat is (draw >> 40)·2⁻²⁴.
    ///
    ///     k=key(1,4,0,0);d=[mix((k+(n+1)*G)&M) for n in range(2)]
    ///     print((d[0]*7)>>64, (d[0]*7)&M >= (2**64-7)%7, d[1]>>40)   # 3 True 4228672
    @Test func integersAndFloatsComeFromTheDrawsAsDocumented() {
        var stream = RandomStream(seed: 1, stage: .evaluate, iteration: 0, index: 0)
        #expect(stream.nextInt(below: 7) == 3)
        #expect(stream.nextUnitFloat() == Float(4_228_672) / 16_777_216)
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

    @Test func portablePathMatchesTheStandardAndHashlib() throws { try checkPath(.portable) }

    @Test(.enabled(if: SHA256.Path.shaExtensions.isAvailable, "this CPU lacks the SHA extensions: only the portable path runs here"))
    func shaExtensionsPathMatchesTheStandardAndHashlib() throws { try checkPath(.shaExtensions) }

    /// One compression function against the standard's vectors and against
    /// Python's hashlib on every message length from 0 to 300 bytes (every
    /// padding case: the length in the last block, or a block of its own),
    /// each fed in 13-byte pieces across block boundaries.
    func checkPath(_ path: SHA256.Path) throws {
        func digest(_ bytes: some Collection<UInt8>, pieces: Int = .max) throws -> [UInt8] {
            var hasher = try #require(SHA256(path: path))
            var rest = bytes[...]
            while !rest.isEmpty {
                hasher.update(rest.prefix(pieces))
                rest = rest.dropFirst(pieces)
            }
            return hasher.finalize()
        }
        #expect(SHA256.hexString(try digest(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexString(try digest([UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexString(try digest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hexString(try digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000), pieces: 4099))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        // python3 -c "import hashlib; b=bytes((i*7+3)&255 for i in range(300)); a=hashlib.sha256()
        //   [a.update(hashlib.sha256(b[:n]).digest()) for n in range(301)]; print(a.hexdigest())"
        let pattern = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        var digests: [UInt8] = []
        for length in 0...300 { digests += try digest(pattern[0..<length], pieces: 13) }
        #expect(SHA256.hexString(try digest(digests)) == "7d917fbd2cf49ddff9ad0a8706bba32d204e92e71d2e369c5a03d6af29278c9f")
    }

    @Test func chunkedUpdatesEqualOneUpdate() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = SHA256()
        hasher.update(bytes[0..<1])
        hasher.update(bytes[1..<130])
        hasher.update(bytes[130...])
        // python3 -c "import hashlib; print(hashlib.sha256(bytes((i*31)&255 for i in range(1000))).hexdigest())"
        let expected = "945acdf575d6a2430bf4d6163e1d03b4b0b896fcef107c8b24bf7ff07a621fa3"
        #expect(hasher.finalize().map { String(format: "%02x", $0) }.joined() == expected)
        #expect(SHA256.hex(bytes) == expected)
        // a copy of a hasher continues on its own
        var first = SHA256()
        first.update(bytes[0..<500])
        var second = first
        second.update(bytes[500...])
        first.update([UInt8]())
        #expect(SHA256.hexString(second.finalize()) == expected)
        #expect(SHA256.hexString(first.finalize()) == SHA256.hex(bytes[0..<500]))
    }

    @Test func fileDigestMatchesCoreutilsSha256sum() throws {
        let path = NSTemporaryDirectory() + "gridgrpo-digest-\(getpid()).bin"
        let bytes = (0..<100_003).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try runProcess("/usr/bin/sha256sum", [path]).output
        #expect(try SHA256.hex(ofFile: path) == String(output.prefix(64)))
    }

    /// A file of several read chunks (5 MiB and a ragged tail), streamed, against `sha256sum`.
    @Test func largeFileIsStreamedInChunksAndMatchesSha256sum() throws {
        let path = NSTemporaryDirectory() + "gridgrpo-digest-large-\(getpid()).bin"
        let count = 5 * SHA256.fileChunkSize + 12_345
        var random = RandomStream(rawState: 17)
        let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try runProcess("/usr/bin/sha256sum", [path]).output
        #expect(try SHA256.hex(ofFile: path) == String(output.prefix(64)))
        #expect(throws: GridGRPOError.self) { try SHA256.hex(ofFile: path + ".missing") }
    }
}
