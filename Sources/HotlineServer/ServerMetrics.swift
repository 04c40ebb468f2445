import NIOConcurrencyHelpers

/// Counters and a latency histogram, rendered in the Prometheus text format.
///
/// Hand-kept rather than through swift-metrics: the daemon exports a handful of series and the
/// text format is stable and small; one lock protects them all (updates are a few additions).
public final class ServerMetrics: Sendable {
    /// Upper bounds of the answer-latency buckets, in seconds.
    static let latencyBuckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    private struct State {
        var asks: [String: Int] = [:]  // "lang|kind"
        var errors: [String: Int] = [:]
        var latencyCounts = [Int](repeating: 0, count: ServerMetrics.latencyBuckets.count)
        var latencyCount = 0
        var latencySum = 0.0
        var connectionsOpen = 0
        var connectionsAccepted = 0
        var connectionsRefused = 0
        var reloads = 0
        var reloadFailures = 0
    }

    private let state = NIOLockedValueBox(State())

    public init() {}

    func recordAsk(language: String, kind: String, seconds: Double) {
        state.withLockedValue { s in
            s.asks["\(language)|\(kind)", default: 0] += 1
            s.latencyCount += 1
            s.latencySum += seconds
            if let bucket = ServerMetrics.latencyBuckets.firstIndex(where: { seconds <= $0 }) { s.latencyCounts[bucket] += 1 }
        }
    }

    func recordError(_ code: String) { state.withLockedValue { $0.errors[code, default: 0] += 1 } }
    func connectionOpened() { state.withLockedValue { $0.connectionsOpen += 1; $0.connectionsAccepted += 1 } }
    func connectionClosed() { state.withLockedValue { $0.connectionsOpen -= 1 } }
    func connectionRefused() { state.withLockedValue { $0.connectionsRefused += 1 } }
    func recordReload(succeeded: Bool) { state.withLockedValue { succeeded ? ($0.reloads += 1) : ($0.reloadFailures += 1) } }

    public var openConnections: Int { state.withLockedValue { $0.connectionsOpen } }
    public var answeredQuestions: Int { state.withLockedValue { $0.asks.values.reduce(0, +) } }

    /// The Prometheus text exposition (version 0.0.4).
    public func render(sessions: Int) -> String {
        let s = state.withLockedValue { $0 }
        var out = ""
        out += "# HELP hotline_asks_total Caller messages answered, by language and reply kind.\n# TYPE hotline_asks_total counter\n"
        for (key, count) in s.asks.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "|", maxSplits: 1)
            out += "hotline_asks_total{lang=\"\(parts[0])\",kind=\"\(parts.count > 1 ? parts[1] : "")\"} \(count)\n"
        }
        out += "# HELP hotline_ask_duration_seconds Time from a message's arrival to its reply being ready.\n# TYPE hotline_ask_duration_seconds histogram\n"
        var cumulative = 0
        for (bound, count) in zip(ServerMetrics.latencyBuckets, s.latencyCounts) {
            cumulative += count
            out += "hotline_ask_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "hotline_ask_duration_seconds_bucket{le=\"+Inf\"} \(s.latencyCount)\n"
        out += "hotline_ask_duration_seconds_sum \(s.latencySum)\nhotline_ask_duration_seconds_count \(s.latencyCount)\n"
        out += "# HELP hotline_errors_total Error replies sent, by code.\n# TYPE hotline_errors_total counter\n"
        for (code, count) in s.errors.sorted(by: { $0.key < $1.key }) { out += "hotline_errors_total{code=\"\(code)\"} \(count)\n" }
        out += "# HELP hotline_connections Open client connections.\n# TYPE hotline_connections gauge\nhotline_connections \(s.connectionsOpen)\n"
        out += "# HELP hotline_connections_accepted_total Connections accepted.\n# TYPE hotline_connections_accepted_total counter\nhotline_connections_accepted_total \(s.connectionsAccepted)\n"
        out += "# HELP hotline_connections_refused_total Connections refused at the connection limit.\n# TYPE hotline_connections_refused_total counter\nhotline_connections_refused_total \(s.connectionsRefused)\n"
        out += "# HELP hotline_sessions Live caller sessions.\n# TYPE hotline_sessions gauge\nhotline_sessions \(sessions)\n"
        out += "# HELP hotline_kb_reloads_total Knowledge-base reloads, by result.\n# TYPE hotline_kb_reloads_total counter\n"
        out += "hotline_kb_reloads_total{result=\"ok\"} \(s.reloads)\nhotline_kb_reloads_total{result=\"refused\"} \(s.reloadFailures)\n"
        return out
    }
}
