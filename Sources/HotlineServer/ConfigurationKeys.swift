import NIOCore

/// One configuration key of `hotlined`: its name in files, `HOTLINED_*` variables and flags.
public struct ConfigurationKey: Sendable {
    public var name: String
    public var help: String
    let apply: @Sendable (inout ServerConfiguration, String) -> Bool
    let current: @Sendable (ServerConfiguration) -> String
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension ServerConfiguration {
    /// Every key with its meaning; defaults are read from ``ServerConfiguration/init()`` so the
    /// table cannot drift from the code.
    public static let keys: [ConfigurationKey] = [
        string("host", "address to listen on", \.host),
        integer("port", "TCP port for gateways", \.port, 0...65535),
        string("data-dir", "data directory (hotline.sqlite, the first gateway token)", \.dataDirectory),
        integer("max-line-bytes", "received line cap after AUTH", \.maximumLineBytes, 64...1 << 20),
        integer("max-line-bytes-before-auth", "received line cap before AUTH", \.maximumLineBytesBeforeAuthentication, 16...8192),
        integer("max-connections", "connections held at once", \.maximumConnections, 1...1_000_000),
        seconds("auth-timeout", "seconds a new connection has to authenticate", \.authenticationTimeout),
        seconds("idle-timeout", "seconds without a command before an authenticated connection is closed", \.idleTimeout),
        integer("max-output-bytes", "unread output before reading pauses (twice this: cut off)", \.maximumBufferedOutputBytes, 4096...1 << 30),
        seconds("output-stall-timeout", "seconds a client may leave output unread before it is cut off", \.outputStallTimeout),
        integer("commands-per-turn", "commands run per connection before others get a turn", \.commandsPerTurn, 1...10_000),
        integer("max-in-flight", "commands a connection may have in flight", \.maximumCommandsInFlight, 1...100_000),
        integer("auth-failures", "failed AUTH attempts allowed per address per window", \.authenticationFailuresAllowed, 1...1_000_000),
        seconds("auth-failure-window", "seconds of the failed-AUTH window", \.authenticationFailureWindow),
        seconds("session-expiry", "seconds after which an idle caller session is forgotten", \.sessionIdleExpiry),
        seconds("drain-timeout", "seconds to finish in-flight work on SIGTERM", \.drainTimeout),
        integer("answering-threads", "threads answering questions", \.answeringThreads, 1...256),
        integer("event-loops", "event-loop threads for network I/O", \.eventLoopThreads, 1...256),
        ConfigurationKey(
            name: "metrics-port", help: "Prometheus metrics port (off when unset)",
            apply: { configuration, text in
                guard let port = Int(text), (0...65535).contains(port) else { return false }
                configuration.metricsPort = port
                return true
            },
            current: { $0.metricsPort.map(String.init) ?? "off" }),
        string("hotline-phone", "the public legal service number callers are told to ring", \.hotlinePhone),
        seconds("ticket-lease", "seconds a lawyer's claim lasts without TOUCH", \.ticketLease),
        integer("ticket-response-minutes", "first-response promise for escalated questions", \.ticketResponseMinutes, 1...10_080),
        integer("urgent-response-minutes", "first-response promise for urgent questions", \.urgentResponseMinutes, 1...10_080),
        seconds("any-language-after", "seconds after which any lawyer may take a waiting ticket", \.anyLanguageAfter),
        integer("bury-after-expiries", "lease expiries after which a ticket is buried for a supervisor", \.buryAfterExpiries, 1...1000),
        seconds("at-risk-margin", "seconds before its deadline a waiting ticket counts as at risk", \.atRiskMargin),
        integer("retention-days", "days raw caller text is kept before it is blanked (statistics stay)", \.retentionDays, 1...36_500),
    ]

    /// Applies `settings` (key → text); unknown keys and bad values are errors naming the key.
    public mutating func apply(_ settings: [(key: String, value: String, source: String)]) throws {
        for setting in settings {
            guard let key = ServerConfiguration.keys.first(where: { $0.name == setting.key }) else {
                throw ConfigurationError("\(setting.source): unknown setting \(setting.key)")
            }
            guard key.apply(&self, setting.value) else {
                throw ConfigurationError("\(setting.source): bad value for \(setting.key): \(setting.value)")
            }
        }
    }

    /// `key = value` lines; `#` starts a comment.
    public static func parseFile(_ text: String, name: String) throws -> [(key: String, value: String, source: String)] {
        var settings: [(key: String, value: String, source: String)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            guard let equals = line.firstIndex(of: "=") else { throw ConfigurationError("\(name):\(index + 1): expected key = value") }
            settings.append((line[..<equals].trimmingSpaces(), line[line.index(after: equals)...].trimmingSpaces(), "\(name):\(index + 1)"))
        }
        return settings
    }

    /// A table of every key, its default and meaning (for `hotlined --help-config` and README).
    public static func documentation() -> String {
        let defaults = ServerConfiguration()
        return keys.map { "\($0.name) (default \($0.current(defaults))): \($0.help)" }.joined(separator: "\n")
    }

    static func string(_ name: String, _ help: String, _ path: WritableKeyPath<ServerConfiguration, String> & Sendable) -> ConfigurationKey {
        ConfigurationKey(name: name, help: help, apply: { configuration, text in
            guard !text.isEmpty else { return false }
            configuration[keyPath: path] = text
            return true
        }, current: { $0[keyPath: path] })
    }

    static func integer(_ name: String, _ help: String, _ path: WritableKeyPath<ServerConfiguration, Int> & Sendable, _ range: ClosedRange<Int>) -> ConfigurationKey {
        ConfigurationKey(name: name, help: help, apply: { configuration, text in
            guard let value = Int(text), range.contains(value) else { return false }
            configuration[keyPath: path] = value
            return true
        }, current: { "\($0[keyPath: path])" })
    }

    static func seconds(_ name: String, _ help: String, _ path: WritableKeyPath<ServerConfiguration, TimeAmount> & Sendable) -> ConfigurationKey {
        ConfigurationKey(name: name, help: help, apply: { configuration, text in
            guard let value = Double(text), value > 0, value < 1e7 else { return false }
            configuration[keyPath: path] = .nanoseconds(Int64(value * 1e9))
            return true
        }, current: { "\(Double($0[keyPath: path].nanoseconds) / 1e9)" })
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
    }
}
