import Dispatch
import HotlineAnswering
import HotlineKnowledge
import HotlineProtocol
import HotlineText
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An engine and a renderer used by one thread at a time: checked out of a ``KnowledgeGeneration``
/// for one question and checked back in (engines own an SQLite connection and ICU objects, which
/// are not thread-safe).
final class AnsweringWorker: @unchecked Sendable {
    let engine: AnswerEngine
    let renderer: AnswerRenderer

    init(engine: AnswerEngine, renderer: AnswerRenderer) {
        self.engine = engine
        self.renderer = renderer
    }
}

/// One loaded knowledge-base file with its idle workers. A reload creates a new generation;
/// questions in flight finish on the generation they started with.
public final class KnowledgeGeneration: Sendable {
    public let file: KnowledgeBaseFile
    /// Short version written into transcripts: the KB content hash.
    public let version: String
    let configuration: EngineConfiguration
    let catalog: LocaleCatalog
    let hotlinePhone: String
    private let idle = NIOLockedValueBox([AnsweringWorker]())

    init(file: KnowledgeBaseFile, configuration: EngineConfiguration, catalog: LocaleCatalog, hotlinePhone: String, workers: Int = 1) throws {
        self.file = file
        self.configuration = configuration
        self.catalog = catalog
        self.hotlinePhone = hotlinePhone
        version = String(file.contentHash.prefix(16))
        // Checks the file can answer before it serves (a broken file is refused here).
        let worker = try makeWorker()
        _ = try worker.engine.answer("工资被拖欠怎么办", language: .simplifiedChinese)
        checkIn(worker)
        // One ready worker per answering thread, so the first questions after a swap do not
        // each pay for opening an engine.
        for _ in 1..<max(1, workers) { checkIn(try makeWorker()) }
    }

    private func makeWorker() throws -> AnsweringWorker {
        AnsweringWorker(engine: try AnswerEngine(file: file, configuration: configuration),
                        renderer: AnswerRenderer(catalog: catalog, hotlinePhone: hotlinePhone))
    }

    func checkOut() throws -> AnsweringWorker {
        if let worker = idle.withLockedValue({ $0.popLast() }) { return worker }
        return try makeWorker()
    }

    func checkIn(_ worker: AnsweringWorker) { idle.withLockedValue { $0.append(worker) } }

    func withWorker<T>(_ body: (AnsweringWorker) throws -> T) throws -> T {
        let worker = try checkOut()
        defer { checkIn(worker) }
        return try body(worker)
    }
}

/// The knowledge base in service, and the threads that answer from it off the event loops.
public final class KnowledgeService: Sendable {
    private let current: NIOLockedValueBox<KnowledgeGeneration>
    private let load: @Sendable () throws -> KnowledgeBaseFile
    private let configuration: EngineConfiguration
    public let catalog: LocaleCatalog
    let hotlinePhone: String
    let threadPool: NIOThreadPool
    let threads: Int
    /// Reloads run one at a time, on their own queue (not on the answering threads).
    private let reloadQueue = DispatchQueue(label: "hotline.kb-reload")

    /// Loads the knowledge base with `load` (also used by every reload) and starts `threads`
    /// answering threads.
    public init(load: @escaping @Sendable () throws -> KnowledgeBaseFile, configuration: EngineConfiguration = EngineConfiguration(),
                catalog: LocaleCatalog, hotlinePhone: String, threads: Int) throws {
        self.load = load
        self.configuration = configuration
        self.catalog = catalog
        self.hotlinePhone = hotlinePhone
        self.threads = max(1, threads)
        current = NIOLockedValueBox(try KnowledgeGeneration(file: try load(), configuration: configuration, catalog: catalog,
                                                            hotlinePhone: hotlinePhone, workers: max(1, threads)))
        threadPool = NIOThreadPool(numberOfThreads: max(1, threads))
        threadPool.start()
    }

    public var generation: KnowledgeGeneration { current.withLockedValue { $0 } }

    /// Runs `body` on an answering thread with a worker of the current generation.
    func run<T: Sendable>(on eventLoop: EventLoop, _ body: @escaping @Sendable (KnowledgeGeneration, AnsweringWorker) throws -> T) -> EventLoopFuture<T> {
        threadPool.runIfActive(eventLoop: eventLoop) { [current] in
            let generation = current.withLockedValue { $0 }
            return try generation.withWorker { try body(generation, $0) }
        }
    }

    /// Loads the knowledge base again, checks it, and swaps it in atomically; a file that fails
    /// to load or answer is refused and the old one keeps serving. Blocking: call off the loops.
    @discardableResult
    public func reload() throws -> KnowledgeGeneration {
        try reloadQueue.sync {
            let fresh = try KnowledgeGeneration(file: try load(), configuration: configuration, catalog: catalog, hotlinePhone: hotlinePhone, workers: threads)
            current.withLockedValue { $0 = fresh }
            return fresh
        }
    }

    /// ``reload()`` on its own queue, awaited.
    public func reloadOffTheAnsweringThreads() async throws -> KnowledgeGeneration {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try self.reload() }) }
        }
    }

    public func shutdown() async throws { try await threadPool.shutdownGracefully() }
}
