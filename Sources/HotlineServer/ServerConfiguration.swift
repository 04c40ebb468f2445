import NIOCore

/// Everything about how `hotlined` listens, limits clients and keeps sessions. Each property's
/// default is the documented default (README, "hotlined configuration"); `hotlined` reads
/// overrides from a file, the environment and flags.
public struct ServerConfiguration: Sendable {
    /// Address to listen on.
    public var host = "127.0.0.1"
    /// TCP port for gateways (0: any free port, for tests).
    public var port = 12348
    /// Where the service keeps its data (`hotline.sqlite`, the first gateway token).
    public var dataDirectory = "hotline-data"
    /// Received line cap after AUTH, in bytes without the line end.
    public var maximumLineBytes = 8192
    /// Received line cap before AUTH: a longer line gets an error and the connection is closed.
    public var maximumLineBytesBeforeAuthentication = 512
    /// Connections held at once; the next one gets `ERR TOO_MANY_CONNECTIONS` and is closed.
    public var maximumConnections = 1024
    /// A new connection must authenticate within this time (slowloris and idle probes).
    public var authenticationTimeout: TimeAmount = .seconds(10)
    /// An authenticated connection that sends no complete line for this long is closed
    /// (gateways send `PING` to keep a quiet connection).
    public var idleTimeout: TimeAmount = .seconds(900)
    /// Output queued for a client that does not read: past this many bytes, reading from it stops;
    /// past twice this, it is cut off.
    public var maximumBufferedOutputBytes = 1 << 20
    /// A client that leaves output unread this long is cut off.
    public var outputStallTimeout: TimeAmount = .seconds(30)
    /// Commands handled per connection before other connections on the same event loop get a turn.
    public var commandsPerTurn = 32
    /// Commands a connection may have in flight (being answered) before the daemon stops reading it.
    public var maximumCommandsInFlight = 64
    /// Failed AUTH attempts allowed per client address within ``authenticationFailureWindow``;
    /// beyond, `ERR RATE_LIMITED` and the connection is closed.
    public var authenticationFailuresAllowed = 5
    public var authenticationFailureWindow: TimeAmount = .seconds(60)
    /// A session with no message for this long is forgotten (its open prompt with it); its
    /// transcript stays in the store.
    public var sessionIdleExpiry: TimeAmount = .seconds(1800)
    /// On SIGTERM: time to answer what is in flight before connections are closed.
    public var drainTimeout: TimeAmount = .seconds(10)
    /// Threads answering questions (each with its own engine and SQLite connection).
    public var answeringThreads = System.coreCount
    /// Event-loop threads doing the network I/O (answering runs elsewhere, so few are needed).
    public var eventLoopThreads = System.coreCount
    /// Port for Prometheus metrics over HTTP (`GET /metrics`); `nil`: off.
    public var metricsPort: Int?
    /// The public legal service hotline callers are told to ring.
    public var hotlinePhone = "12348"
    /// How long a lawyer's claim on a ticket lasts without `TOUCH`.
    public var ticketLease: TimeAmount = .minutes(15)
    /// First-response promise for escalated questions, and for urgent ones, in minutes.
    public var ticketResponseMinutes = 30
    public var urgentResponseMinutes = 10
    /// After waiting this long, a ticket may be taken by any lawyer (its language is marked).
    public var anyLanguageAfter: TimeAmount = .minutes(10)
    /// A ticket whose lease expired this many times is buried for a supervisor.
    public var buryAfterExpiries = 3
    /// Tickets this close to their deadline count as at risk in `STATS`.
    public var atRiskMargin: TimeAmount = .minutes(10)
    /// Days raw caller text is kept (PIPL: the shortest retention the service needs); older text
    /// is blanked once a day, de-identified statistics stay.
    public var retentionDays = 180

    public init() {}
}
