import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

public enum LineClientError: Error, CustomStringConvertible, Equatable {
    /// No line arrived within the deadline.
    case timedOut
    /// The daemon closed the connection.
    case closed

    public var description: String {
        switch self {
        case .timedOut: "no line from the daemon in time"
        case .closed: "the daemon closed the connection"
        }
    }
}

/// A client of the text protocol: sends lines, and waits for the daemon's lines with a deadline
/// (never by sleeping). Used by `hotline chat`, `hotline bench` and the tests.
public final class LineClient: Sendable {
    let channel: Channel
    private let mailbox: Mailbox

    private init(channel: Channel, mailbox: Mailbox) {
        self.channel = channel
        self.mailbox = mailbox
    }

    /// `receiveBuffer` shrinks the socket's receive buffer (to test a client that does not read).
    public static func connect(host: String, port: Int, receiveBuffer: Int? = nil,
                               group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> LineClient {
        let mailbox = Mailbox()
        var bootstrap = ClientBootstrap(group: group).channelOption(.socketOption(.tcp_nodelay), value: 1)
        if let receiveBuffer { bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer)) }
        let channel = try await bootstrap
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(UnlimitedLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(MailboxHandler(mailbox: mailbox))
                }
            }
            .connect(host: host, port: port).get()
        return LineClient(channel: channel, mailbox: mailbox)
    }

    /// Sends `line` and an LF.
    public func send(_ line: String) async throws {
        try await sendRaw(Array((line + "\n").utf8))
    }

    /// Sends bytes as they are (for tests of malformed input).
    public func sendRaw(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
    }

    /// Sends without waiting for the write to complete (for load generation).
    public func sendWithoutWaiting(_ line: String) {
        channel.writeAndFlush(channel.allocator.buffer(string: line + "\n"), promise: nil)
    }

    /// The next line from the daemon (without its LF).
    public func readLine(timeout: TimeAmount = .seconds(10)) async throws -> String {
        try await mailbox.next(timeout: timeout, on: channel.eventLoop)
    }

    /// Sends a line and reads the next line (for clients that expect no event in between).
    public func exchange(_ line: String, timeout: TimeAmount = .seconds(30)) async throws -> String {
        try await send(line)
        return try await readLine(timeout: timeout)
    }

    /// Lines received and not yet read.
    public var pendingLines: Int { mailbox.pendingCount }

    /// Waits until the daemon closes the connection; throws `timedOut` if it stays open.
    public func waitUntilClosed(timeout: TimeAmount = .seconds(10)) async throws {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: Void.self)
        let timer = loop.scheduleTask(in: timeout) { promise.fail(LineClientError.timedOut) }
        channel.closeFuture.whenComplete { _ in
            timer.cancel()
            promise.succeed(())
        }
        try await promise.futureResult.get()
    }

    public var isActive: Bool { channel.isActive }

    /// Stops reading from the socket (a client that never reads its replies), or resumes.
    public func setReading(_ reading: Bool) async throws {
        try await channel.setOption(ChannelOptions.autoRead, value: reading)
        if reading { channel.read() }
    }

    /// Closes the sending side only (as `nc -N` does at end of input); replies still arrive.
    public func shutdownOutput() async throws {
        try await channel.close(mode: .output)
    }

    public func close() async {
        try? await channel.close()
    }
}

/// Lines received, and readers waiting for one.
final class Mailbox: Sendable {
    private struct State {
        var lines: [String] = []
        var head = 0
        var waiter: (id: Int, continuation: CheckedContinuation<String, Error>)?
        var nextID = 0
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    var pendingCount: Int { state.withLockedValue { $0.lines.count - $0.head } }

    func deliver(_ line: String) {
        let waiter = state.withLockedValue { s -> CheckedContinuation<String, Error>? in
            if let waiter = s.waiter {
                s.waiter = nil
                return waiter.continuation
            }
            s.lines.append(line)
            return nil
        }
        waiter?.resume(returning: line)
    }

    func close() {
        let waiter = state.withLockedValue { s -> CheckedContinuation<String, Error>? in
            s.closed = true
            defer { s.waiter = nil }
            return s.waiter?.continuation
        }
        waiter?.resume(throwing: LineClientError.closed)
    }

    func next(timeout: TimeAmount, on loop: EventLoop) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            enum Immediate { case line(String), closed, wait(Int) }
            let immediate = state.withLockedValue { s -> Immediate in
                if s.head < s.lines.count {
                    let line = s.lines[s.head]
                    s.head += 1
                    if s.head > 1024, s.head * 2 > s.lines.count {
                        s.lines.removeFirst(s.head)
                        s.head = 0
                    }
                    return .line(line)
                }
                if s.closed { return .closed }
                s.nextID += 1
                s.waiter = (s.nextID, continuation)
                return .wait(s.nextID)
            }
            switch immediate {
            case .line(let line): continuation.resume(returning: line)
            case .closed: continuation.resume(throwing: LineClientError.closed)
            case .wait(let id):
                loop.scheduleTask(in: timeout) { [self] in
                    let expired = state.withLockedValue { s -> CheckedContinuation<String, Error>? in
                        guard let waiter = s.waiter, waiter.id == id else { return nil }
                        s.waiter = nil
                        return waiter.continuation
                    }
                    expired?.resume(throwing: LineClientError.timedOut)
                }
            }
        }
    }
}

/// Cuts lines at LF with no cap: the daemon's lines may exceed the 8 KiB it accepts.
struct UnlimitedLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = newline - buffer.readableBytesView.startIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

final class MailboxHandler: ChannelInboundHandler {
    typealias InboundIn = String
    let mailbox: Mailbox

    init(mailbox: Mailbox) { self.mailbox = mailbox }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        mailbox.deliver(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        mailbox.close()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
