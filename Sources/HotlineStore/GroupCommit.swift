import Dispatch
import HotlineKnowledge
import Synchronization

/// Group commit for one SQLite connection owned by one serial queue: every operation submitted
/// while a commit runs shares the next transaction (and its one fsync), each inside its own
/// savepoint, and each caller hears its result only after COMMIT. An operation that throws rolls
/// back only its own changes; a failed COMMIT fails the whole batch. Used by the service store
/// (transcripts, feedback) and the ticket store alike.
public final class GroupCommit: @unchecked Sendable {
    /// Touched only on `queue`.
    private let connection: SQLiteConnection
    private let queue: DispatchQueue
    private let pending = Mutex<(operations: [Operation], scheduled: Bool)>(([], false))
    /// Called on `queue` after each committed batch with its size (e.g. to start a checkpoint).
    private let committed: (Int) -> Void

    /// Created and finished on the committing queue's side only.
    private final class Operation: @unchecked Sendable {
        /// Runs the operation inside the batch; `false` when it threw.
        let run: (SQLiteConnection) -> Bool
        /// Hands the result on; with an error when the batch as a whole failed.
        let finish: (Error?) -> Void

        init(run: @escaping (SQLiteConnection) -> Bool, finish: @escaping (Error?) -> Void) {
            self.run = run
            self.finish = finish
        }
    }

    public init(connection: SQLiteConnection, label: String, committed: @escaping (Int) -> Void = { _ in }) {
        self.connection = connection
        queue = DispatchQueue(label: label)
        self.committed = committed
    }

    /// Queues `body` for the next group commit; `completion` runs on the store's queue after COMMIT.
    public func submit<T>(_ body: @escaping (SQLiteConnection) throws -> T, completion: @escaping (Result<T, Error>) -> Void) {
        var outcome: Result<T, Error>?
        let operation = Operation(
            run: { db in
                outcome = Result { try body(db) }
                if case .failure = outcome { return false }
                return true
            },
            finish: { batchError in completion(batchError.map { .failure($0) } ?? outcome!) })
        let schedule = pending.withLock { state -> Bool in
            state.operations.append(operation)
            defer { state.scheduled = true }
            return !state.scheduled
        }
        if schedule { queue.async { self.commitPending() } }
    }

    /// ``submit(_:completion:)``, awaited.
    public func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            submit(body) { continuation.resume(with: $0) }
        }
    }

    /// Runs `body` on the store's queue now, outside any batch (administration, reads in tests).
    public func sync<T>(_ body: (SQLiteConnection) throws -> T) rethrows -> T {
        try queue.sync { try body(connection) }
    }

    /// ``sync(_:)`` for async callers: the caller's thread is not blocked while `body` waits for
    /// the queue (a checkpoint must run outside any transaction, and can take a while).
    public func outsideBatch<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in continuation.resume(with: Result { try body(connection) }) }
        }
    }

    /// Copies the WAL into the database and truncates it, so bytes just overwritten (with
    /// `secure_delete`) leave no copy in the log. Outside any batch.
    public func truncateLog() async throws {
        try await outsideBatch { db in _ = try db.rows("PRAGMA wal_checkpoint(TRUNCATE)") }
    }

    private func commitPending() {
        let operations = pending.withLock { state -> [Operation] in
            state.scheduled = false
            defer { state.operations.removeAll(keepingCapacity: true) }
            return state.operations
        }
        guard !operations.isEmpty else { return }
        var batchError: Error?
        do {
            try connection.execute("BEGIN IMMEDIATE")
            for operation in operations {
                try connection.execute("SAVEPOINT operation")
                if !operation.run(connection) { try connection.execute("ROLLBACK TO operation") }
                try connection.execute("RELEASE operation")
            }
            try connection.execute("COMMIT")
        } catch {
            try? connection.execute("ROLLBACK")
            batchError = error
        }
        for operation in operations { operation.finish(batchError) }
        if batchError == nil { committed(operations.count) }
    }
}
