import HotlineProtocol
import NIOCore
import NIOEmbedded
import Testing

/// The framing decoder driven through an EmbeddedChannel, byte by byte and in one piece.
struct LineFrameDecoderTests {
    func frames(_ input: [UInt8], chunk: Int, before: Int = 512, after: Int = 8192) throws -> [String] {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(limit: LineLimit(beforeAuthentication: before, afterAuthentication: after))))
        var index = 0
        while index < input.count {
            try channel.writeInbound(channel.allocator.buffer(bytes: input[index..<min(input.count, index + chunk)]))
            index += chunk
        }
        var result: [String] = []
        while let frame = try channel.readInbound(as: InboundFrame.self) {
            switch frame {
            case .line(let buffer): result.append("line:" + String(decoding: buffer.readableBytesView, as: UTF8.self))
            case .overlong(let limit): result.append("overlong:\(limit)")
            case .tlsHello: result.append("tls")
            }
        }
        _ = try channel.finish()
        return result
    }

    @Test(arguments: [1, 3, 4096])
    func cutsLinesAtLF(chunk: Int) throws {
        let input = Array("PING\r\nAUTH token\nA\rB\n\n".utf8)
        #expect(try frames(input, chunk: chunk) == ["line:PING", "line:AUTH token", "line:A\rB", "line:"])
    }

    @Test(arguments: [1, 7, 65536])
    func overlongLineIsReportedOnceAndSkipped(chunk: Int) throws {
        let input = Array(("AUTH t\n" + String(repeating: "x", count: 20_000) + "\nPING\n").utf8)
        #expect(try frames(input, chunk: chunk) == ["line:AUTH t", "overlong:8192", "line:PING"])
    }

    @Test func preAuthenticationCapIsSmaller() throws {
        let input = Array((String(repeating: "x", count: 600) + "\nPING\n").utf8)
        #expect(try frames(input, chunk: 100) == ["overlong:512", "line:PING"])
    }

    @Test func lineAtTheCapWithCRLFIsAccepted() throws {
        let line = "AUTH " + String(repeating: "y", count: 507)
        #expect(try frames(Array((line + "\r\n").utf8), chunk: 1) == ["line:" + line])
        #expect(try frames(Array((line + "y\r\n").utf8), chunk: 1) == ["overlong:512"])
    }

    @Test func tlsHelloIsRecognised() throws {
        #expect(try frames([0x16, 0x03, 0x01, 0x02, 0x00, 0x0A], chunk: 6) == ["tls"])
    }

    @Test func partialLineAtEOFIsDropped() throws {
        #expect(try frames(Array("PING\nASK s1 en half a comm".utf8), chunk: 5) == ["line:PING"])
    }
}
