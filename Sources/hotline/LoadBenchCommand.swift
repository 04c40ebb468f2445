import ArgumentParser
import Foundation
import HotlineAnswering
import HotlineClient
import HotlineProtocol
import NIOConcurrencyHelpers

/// Latencies in microseconds, shared by the connection tasks.
final class LatencyRecorder: Sendable {
    private let samples = NIOLockedValueBox([Double]())
    private let failures = NIOLockedValueBox(0)

    func record(_ microseconds: Double) { samples.withLockedValue { $0.append(microseconds) } }
    func fail() { failures.withLockedValue { $0 += 1 } }
    var failed: Int { failures.withLockedValue { $0 } }
    var sorted: [Double] { samples.withLockedValue { $0 }.sorted() }
}

struct LoadBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Load hotlined with ASKs over many connections and sessions; print throughput and latency percentiles.",
        discussion: """
        Closed loop by default: each connection keeps --window questions outstanding and sends the next
        as soon as a reply arrives. With --rate, questions are offered at that many per second over all
        connections, and latency counts from when each was due (no coordinated omission).
        Questions come from Tests/DevSet (or --questions), in their labelled languages.
        """
    )

    @OptionGroup var daemon: DaemonOptions
    @Option(help: "Connections.") var connections = 50
    @Option(help: "Caller sessions per connection.") var sessions = 20
    @Option(help: "Questions outstanding per connection (closed loop).") var window = 8
    @Option(help: "Seconds to run.") var duration = 10.0
    @Option(help: "Offered questions per second over all connections (open loop); 0: closed loop.") var rate = 0.0
    @Option(name: .customLong("questions"), help: "Question files or directories (JSON Lines with text and lang).") var questionPaths: [String] = []
    @Option(help: "Stop after this many questions in all (closed loop), instead of after --duration.") var count: Int?
    @Option(help: "Instead of asking: hold this many idle authenticated connections, then measure PING latency on a fresh one.") var idle: Int?

    func run() async throws {
        if let idle {
            try await idleRun(idle)
            return
        }
        let resources = try ProjectResources.locate()
        let paths = questionPaths.isEmpty ? [resources.root + "/Tests/DevSet"] : questionPaths
        let questions = try Evaluator.load(paths: paths)
            .filter { $0.text.utf8.count < 4000 && !$0.text.contains("\n") }
            .map { "\($0.lang ?? "auto") " + Escaping.escapeText($0.text) }
        guard !questions.isEmpty else { throw CLIError("no questions") }
        var clients: [LineClient] = []
        for _ in 0..<connections { clients.append(try await daemon.connect()) }
        let recorder = LatencyRecorder()
        let budget = QuestionBudget(count ?? Int.max)
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + .milliseconds(Int64(duration * 1000))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    if rate > 0 {
                        try await openLoop(client, index: index, questions: questions, recorder: recorder, clock: clock, start: start)
                    } else {
                        try await closedLoop(client, index: index, questions: questions, recorder: recorder, clock: clock,
                                             end: count == nil ? end : clock.now + .seconds(86_400), budget: budget)
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = clock.now - start
        for client in clients { await client.close() }
        let sorted = recorder.sorted
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        func percentile(_ p: Double) -> String {
            guard !sorted.isEmpty else { return "-" }
            let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            return value >= 1000 ? String(format: "%.2f ms", value / 1000) : String(format: "%.0f µs", value)
        }
        print("connections \(connections), sessions \(connections * sessions), " + (rate > 0 ? "offered \(Int(rate))/s" : "window \(window) per connection"))
        print(String(format: "answers: %d in %.1f s = %.0f answers/s; failed: %d", sorted.count, seconds, Double(sorted.count) / seconds, recorder.failed))
        print("latency: p50 \(percentile(0.5)), p99 \(percentile(0.99)), p99.9 \(percentile(0.999)), max \(percentile(1))")
    }

    func ask(_ index: Int, _ n: Int, _ questions: [String]) -> String {
        "ASK b\(index)-\(n % sessions) " + questions[(index * 7919 + n) % questions.count]
    }

    /// Any reply to a caller's message (a LANGUAGE prompt for a message too short to place is
    /// one); an `ERR` is a failure.
    static func isAnswer(_ line: String) -> Bool {
        line.hasPrefix("ANSWER ") || line.hasPrefix("CLARIFY ") || line.hasPrefix("ESCALATED ") || line.hasPrefix("OUT_OF_SCOPE ")
            || line.hasPrefix("LANGUAGE ")
    }

    func closedLoop(_ client: LineClient, index: Int, questions: [String], recorder: LatencyRecorder,
                    clock: ContinuousClock, end: ContinuousClock.Instant, budget: QuestionBudget) async throws {
        var sent: [ContinuousClock.Instant] = []
        var head = 0
        var n = 0
        for _ in 0..<window where budget.take() {
            sent.append(clock.now)
            client.sendWithoutWaiting(ask(index, n, questions))
            n += 1
        }
        while head < sent.count {
            let line = try await Self.nextReply(client)
            let latency = clock.now - sent[head]
            head += 1
            if LoadBench.isAnswer(line) { recorder.record(Self.microseconds(latency)) } else { recorder.fail() }
            if clock.now < end, budget.take() {
                sent.append(clock.now)
                client.sendWithoutWaiting(ask(index, n, questions))
                n += 1
            }
        }
    }

    func openLoop(_ client: LineClient, index: Int, questions: [String], recorder: LatencyRecorder,
                  clock: ContinuousClock, start: ContinuousClock.Instant) async throws {
        let perConnection = rate / Double(connections)
        let interval = Duration.nanoseconds(Int64(1e9 / perConnection))
        // Stagger the connections over one interval.
        let first = start + interval * (Double(index) / Double(connections))
        // rate × duration questions in all, spread evenly over the connections.
        let total = Int((duration * perConnection).rounded())
        let due = (0..<total).map { first + interval * $0 }
        async let sending: Void = {
            for (n, instant) in due.enumerated() {
                try await clock.sleep(until: instant)
                client.sendWithoutWaiting(ask(index, n, questions))
            }
        }()
        for instant in due {
            let line = try await Self.nextReply(client)
            if LoadBench.isAnswer(line) { recorder.record(Self.microseconds(clock.now - instant)) } else { recorder.fail() }
        }
        try await sending
    }

    /// Holds `connections` idle authenticated connections, then PINGs on a fresh one.
    func idleRun(_ connections: Int) async throws {
        var held: [LineClient] = []
        for _ in 0..<connections { held.append(try await daemon.connect()) }
        print("holding \(held.count) idle authenticated connections")
        let probe = try await daemon.connect()
        let clock = ContinuousClock()
        var samples: [Double] = []
        for _ in 0..<2000 {
            let start = clock.now
            guard try await probe.exchange("PING") == "PONG" else { throw CLIError("PING not answered") }
            samples.append(Self.microseconds(clock.now - start))
        }
        samples.sort()
        print(String(format: "PING on a fresh connection: p50 %.0f µs, p99 %.0f µs, max %.0f µs",
                     samples[samples.count / 2], samples[samples.count * 99 / 100], samples.last!))
        if let pause = ProcessInfo.processInfo.environment["HOTLINE_BENCH_HOLD_SECONDS"], let seconds = Double(pause) {
            // Lets a script read the daemon's memory while the connections are held.
            print("holding for \(seconds) s")
            try await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
        }
        for client in held { await client.close() }
        await probe.close()
    }

    /// The next reply to an ASK. A caller whose question was escalated hangs up (`END`), so the
    /// session's next question is a new conversation rather than a message joining the ticket;
    /// the `OK END` replies are skipped here.
    static func nextReply(_ client: LineClient) async throws -> String {
        while true {
            let line = try await client.readLine(timeout: .seconds(60))
            if line.hasPrefix("OK END") { continue }
            if line.hasPrefix("ESCALATED "), let session = ReplyLine(line)?.session { client.sendWithoutWaiting("END \(session)") }
            return line
        }
    }

    static func microseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e6 + Double(duration.components.attoseconds) / 1e12
    }
}

/// How many questions are left to send in all (for `--count`).
final class QuestionBudget: Sendable {
    private let left: NIOLockedValueBox<Int>
    init(_ count: Int) { left = NIOLockedValueBox(count) }
    func take() -> Bool {
        left.withLockedValue { left in
            guard left > 0 else { return false }
            left -= 1
            return true
        }
    }
}
