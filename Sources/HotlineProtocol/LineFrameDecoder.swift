import NIOCore

/// What the framing layer hands the connection: a complete line, or the news that a line broke
/// the limit (its bytes are being discarded up to its LF), or a TLS hello on the text port.
public enum InboundFrame: Sendable {
    /// A line without its LF (and without a CR just before the LF).
    case line(ByteBuffer)
    /// A line longer than `limit` bytes; it is discarded, never buffered whole.
    case overlong(limit: Int)
    /// The connection opened with a TLS ClientHello (or an SSLv2 hello): not our protocol.
    case tlsHello
}

/// The current byte cap on received lines, shared by the decoder and the connection handler on
/// the connection's event loop. Not thread-safe: loop-confined.
///
/// Before AUTH the cap is small. The decoder raises it as soon as it cuts an `AUTH` line, so
/// that commands a gateway pipelines right behind its AUTH are framed with the full cap; if the
/// AUTH fails, the handler lowers it again (and refuses any longer line it then sees).
public final class LineLimit {
    public private(set) var maximumBytes: Int
    public let beforeAuthentication: Int
    public let afterAuthentication: Int

    public init(beforeAuthentication: Int, afterAuthentication: Int) {
        self.beforeAuthentication = beforeAuthentication
        self.afterAuthentication = afterAuthentication
        maximumBytes = beforeAuthentication
    }

    func sawAuthenticationLine() { maximumBytes = afterAuthentication }
    public func raiseAfterAuthentication() { maximumBytes = afterAuthentication }
    public func lowerAfterFailedAuthentication() { maximumBytes = beforeAuthentication }
}

/// Cuts the byte stream into lines at LF (CRLF accepted; a lone CR is not a line end).
///
/// A line longer than the cap is reported as soon as the cap is passed and then skipped up to its
/// LF without being buffered, so a huge line costs no memory and the connection lives on.
public struct LineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = InboundFrame

    private let limit: LineLimit
    private var discarding = false
    private var sawFirstByte = false
    /// Bytes of the current partial line already searched for LF (avoids rescanning).
    private var scanned = 0

    public init(limit: LineLimit) { self.limit = limit }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        if !sawFirstByte, let first = buffer.readableBytesView.first {
            sawFirstByte = true
            if first == 0x16 || first == 0x80 {
                buffer.moveReaderIndex(to: buffer.writerIndex)
                context.fireChannelRead(wrapInboundOut(.tlsHello))
                return .needMoreData
            }
        }
        let view = buffer.readableBytesView
        let searchFrom = view.index(view.startIndex, offsetBy: min(scanned, view.count))
        guard let newline = view[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) else {
            if discarding {
                buffer.moveReaderIndex(to: buffer.writerIndex)
                scanned = 0
            } else if view.count > limit.maximumBytes + 1 {  // + 1: room for the CR of a CRLF
                discarding = true
                buffer.moveReaderIndex(to: buffer.writerIndex)
                scanned = 0
                context.fireChannelRead(wrapInboundOut(.overlong(limit: limit.maximumBytes)))
            } else {
                scanned = view.count
            }
            return .needMoreData
        }
        scanned = 0
        var length = newline - view.startIndex
        if discarding {
            discarding = false
            buffer.moveReaderIndex(forwardBy: length + 1)
            return .continue
        }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        if length > 0, line.getInteger(at: line.readerIndex + length - 1, as: UInt8.self) == UInt8(ascii: "\r") {
            length -= 1
            line = line.getSlice(at: line.readerIndex, length: length)!
        }
        if length > limit.maximumBytes {
            context.fireChannelRead(wrapInboundOut(.overlong(limit: limit.maximumBytes)))
        } else {
            if limit.maximumBytes < limit.afterAuthentication, LineFrameDecoder.isAuthenticationLine(line) { limit.sawAuthenticationLine() }
            context.fireChannelRead(wrapInboundOut(.line(line)))
        }
        return .continue
    }

    public static func isAuthenticationLine(_ line: ByteBuffer) -> Bool {
        guard let prefix = line.getBytes(at: line.readerIndex, length: min(5, line.readableBytes)), prefix.count == 5 else { return false }
        return prefix[0] | 0x20 == UInt8(ascii: "a") && prefix[1] | 0x20 == UInt8(ascii: "u") && prefix[2] | 0x20 == UInt8(ascii: "t")
            && prefix[3] | 0x20 == UInt8(ascii: "h") && prefix[4] == UInt8(ascii: " ")
    }

    /// At end of input a partial line is dropped: a command cut off by a disconnect never runs.
    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
