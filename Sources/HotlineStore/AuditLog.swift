import Crypto
import Foundation
import HotlineKnowledge

/// The tamper-evident record of what the service did: every consultation, ticket event and
/// lawyer reply appends one entry, in the same transaction as what it records, to a hash chain
/// kept in the same SQLite file (the service store and the ticket store each keep theirs, so an
/// entry is never committed without its record or the other way round).
///
/// An entry holds hashes, not text: the question's SHA-256, the reply's SHA-256. Purging or
/// erasing a caller's text therefore leaves the chain verifiable. Each entry's hash is
/// SHA-256(previous hash ‖ canonical entry), so changing any byte of any entry breaks every later
/// link; `hotline audit verify` names the first broken one. The entries' hashes are also the
/// leaves of a Merkle tree (RFC 6962 hashing), whose root over the first N entries is the *head*
/// the bureau publishes; a receipt for one session carries its entries with inclusion proofs, so
/// anyone can check it against a published head without seeing any other entry.
public enum AuditLog {
    /// The table every audited store creates (idempotent).
    public static let schema = """
    CREATE TABLE IF NOT EXISTS audit(
        id INTEGER PRIMARY KEY, at INTEGER NOT NULL, kind TEXT NOT NULL, subject TEXT NOT NULL,
        payload TEXT NOT NULL, hash TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS audit_by_subject ON audit(subject, id);
    """

    /// One entry as stored.
    public struct Entry: Codable, Sendable, Hashable {
        public var id: Int64
        /// Milliseconds since 1970.
        public var at: Int64
        /// `consultation`, `ticket-opened`, `caller-message`, `lawyer-reply`, `ticket-closed`, …
        public var kind: String
        /// `<gateway>/<session>`: what a receipt is asked for (session ids are opaque by protocol).
        public var subject: String
        /// What is attested, as `key=value` pairs of hashes, ids and decisions (never raw text).
        public var payload: String
        /// SHA-256(previous hash ‖ canonical form), hex.
        public var hash: String

        public init(id: Int64, at: Int64, kind: String, subject: String, payload: String, hash: String) {
            self.id = id
            self.at = at
            self.kind = kind
            self.subject = subject
            self.payload = payload
            self.hash = hash
        }

        /// The bytes the hash covers.
        public var canonical: String { "hotline-audit/1|\(id)|\(at)|\(kind)|\(subject)|\(payload)" }
    }

    public static func sha256Hex(_ text: String) -> String { hex(SHA256.hash(data: Data(text.utf8))) }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(hexDigits[Int(byte >> 4)])
            bytes.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The hash before the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// Appends an entry inside the caller's transaction (a group-commit operation).
    public static func append(_ db: SQLiteConnection, kind: String, subject: String, payload: String, at: Int64) throws {
        let last = try db.rows("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").first
        let id = (last?[0].flatMap { Int64($0) } ?? 0) + 1
        let previous = last?[1] ?? genesis
        var entry = Entry(id: id, at: at, kind: kind, subject: subject, payload: payload, hash: "")
        entry.hash = chainHash(previous: previous, entry)
        try db.run("INSERT INTO audit(id, at, kind, subject, payload, hash) VALUES(?, ?, ?, ?, ?, ?)",
                   [.integer(id), .integer(at), .text(kind), .text(subject), .text(payload), .text(entry.hash)])
    }

    static func chainHash(previous: String, _ entry: Entry) -> String {
        sha256Hex(previous + "\n" + entry.canonical)
    }

    /// Every entry, oldest first.
    public static func entries(_ db: SQLiteConnection) throws -> [Entry] {
        try db.rows("SELECT id, at, kind, subject, payload, hash FROM audit ORDER BY id").map {
            Entry(id: Int64($0[0] ?? "0") ?? 0, at: Int64($0[1] ?? "0") ?? 0, kind: $0[2] ?? "", subject: $0[3] ?? "",
                  payload: $0[4] ?? "", hash: $0[5] ?? "")
        }
    }

    /// The chain checked link by link: `nil` when intact, else the first entry whose hash does not
    /// follow from its content and its predecessor (or whose id breaks the sequence).
    public static func firstBrokenEntry(_ entries: [Entry]) -> Int64? {
        var previous = genesis
        for (index, entry) in entries.enumerated() {
            if entry.id != Int64(index + 1) || chainHash(previous: previous, entry) != entry.hash { return entry.id }
            previous = entry.hash
        }
        return nil
    }

    /// Verifies a whole chain streaming from the database (a million entries without holding
    /// them), and computes its head with RFC 6962's tree built incrementally.
    public static func verify(_ db: SQLiteConnection) throws -> (count: Int, firstBroken: Int64?, head: Head) {
        let statement = try db.prepare("SELECT id, at, kind, subject, payload, hash FROM audit ORDER BY id")
        var previous = genesis
        var count = 0
        var firstBroken: Int64?
        var tree = IncrementalMerkleTree()
        while try statement.step() {
            let entry = Entry(id: statement.int(0), at: statement.int(1), kind: statement.string(2) ?? "", subject: statement.string(3) ?? "",
                              payload: statement.string(4) ?? "", hash: statement.string(5) ?? "")
            count += 1
            if firstBroken == nil, entry.id != Int64(count) || chainHash(previous: previous, entry) != entry.hash { firstBroken = entry.id }
            previous = entry.hash
            tree.append(leafHash(entry.hash))
        }
        return (count, firstBroken, Head(size: count, root: hex(tree.root)))
    }

    /// RFC 6962's tree hash computed leaf by leaf: a stack of complete subtrees (like a binary
    /// counter), folded right to left at the end.
    struct IncrementalMerkleTree {
        private var stack: [(size: Int, hash: [UInt8])] = []
        mutating func append(_ leaf: [UInt8]) {
            var node = (size: 1, hash: leaf)
            while let last = stack.last, last.size == node.size {
                stack.removeLast()
                node = (last.size * 2, AuditLog.nodeHash(last.hash, node.hash))
            }
            stack.append(node)
        }
        var root: [UInt8] {
            guard var node = stack.last?.hash else { return Array(SHA256.hash(data: Data())) }
            for subtree in stack.dropLast().reversed() { node = AuditLog.nodeHash(subtree.hash, node) }
            return node
        }
    }

    // MARK: - Merkle tree (RFC 6962 hashing)

    static func leafHash(_ entryHash: String) -> [UInt8] { Array(SHA256.hash(data: Data([0]) + Data(entryHash.utf8))) }
    static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: Data([1]) + Data(left) + Data(right))) }

    /// Subtree roots over the leaves (RFC 6962 §2.1: split at the largest power of two below n),
    /// each computed once: the audit paths of many entries share most of their subtrees, so a
    /// receipt for a busy session costs one pass over the chain, not one per entry.
    struct MerkleTree {
        let leaves: [[UInt8]]
        private var roots: [Range<Int>: [UInt8]] = [:]

        init(leaves: [[UInt8]]) { self.leaves = leaves }

        mutating func root(_ range: Range<Int>) -> [UInt8] {
            if range.isEmpty { return Array(SHA256.hash(data: Data())) }
            if range.count == 1 { return leaves[range.lowerBound] }
            if let known = roots[range] { return known }
            let split = range.lowerBound + AuditLog.largestPowerOfTwo(below: range.count)
            let hash = AuditLog.nodeHash(root(range.lowerBound..<split), root(split..<range.upperBound))
            roots[range] = hash
            return hash
        }

        /// The audit path of leaf `index` within `range` (RFC 6962 §2.1.1), bottom first.
        mutating func path(_ index: Int, _ range: Range<Int>) -> [[UInt8]] {
            if range.count <= 1 { return [] }
            let split = range.lowerBound + AuditLog.largestPowerOfTwo(below: range.count)
            if index < split { return path(index, range.lowerBound..<split) + [root(split..<range.upperBound)] }
            return path(index, split..<range.upperBound) + [root(range.lowerBound..<split)]
        }
    }

    static func largestPowerOfTwo(below n: Int) -> Int {
        var k = 1
        while k << 1 < n { k <<= 1 }
        return k
    }

    /// What the bureau publishes: the number of entries and the Merkle root over them.
    public struct Head: Codable, Sendable, Hashable {
        public var size: Int
        public var root: String
    }

    public static func head(_ entries: [Entry]) -> Head {
        var tree = IncrementalMerkleTree()
        for entry in entries { tree.append(leafHash(entry.hash)) }
        return Head(size: entries.count, root: hex(tree.root))
    }

    /// One session's entries with their inclusion proofs against `head`.
    public struct Receipt: Codable, Sendable {
        public struct Item: Codable, Sendable {
            public var entry: Entry
            /// The hash of the entry before it (the chain link; the entry's own hash must follow).
            public var previous: String
            /// Sibling hashes from the leaf up (hex).
            public var proof: [String]
        }
        public var head: Head
        public var subject: String
        public var items: [Item]
    }

    public static func receipt(subject: String, entries: [Entry]) -> Receipt {
        var tree = MerkleTree(leaves: entries.map { leafHash($0.hash) })
        let items = entries.enumerated().filter { $0.element.subject == subject }.map { index, entry in
            Receipt.Item(entry: entry, previous: index == 0 ? genesis : entries[index - 1].hash,
                         proof: tree.path(index, 0..<entries.count).map { hex($0) })
        }
        return Receipt(head: head(entries), subject: subject, items: items)
    }

    /// What can be wrong with a receipt's entry.
    public enum ReceiptProblem: Sendable, Hashable {
        /// The entry's hash does not follow from its content and the previous hash.
        case alteredEntry(Int64)
        /// The proof has bytes that are not hex, or an index beyond the head.
        case malformedProof(Int64)
        /// The proof does not lead to the receipt's head.
        case notUnderHead(Int64)
    }

    /// Checks a receipt on its own: each entry's hash follows from its content and its
    /// predecessor, and each proof leads to the receipt's head. Compare that head with the one
    /// the bureau published. Returns the problems found (empty: valid).
    public static func check(_ receipt: Receipt) -> [ReceiptProblem] {
        var problems: [ReceiptProblem] = []
        for item in receipt.items {
            let entry = item.entry
            if chainHash(previous: item.previous, entry) != entry.hash { problems.append(.alteredEntry(entry.id)) }
            var node = leafHash(entry.hash)
            var index = Int(entry.id - 1), size = receipt.head.size
            var proof = item.proof.compactMap(bytes)[...]
            // Fold the path: RFC 6962 §2.1.1 verification with (index, size).
            guard index < size, proof.count == item.proof.count else { problems.append(.malformedProof(entry.id)); continue }
            var ok = true
            // The split decisions from the top (true: the leaf is in the left subtree), then the
            // siblings folded from the bottom, as `path` lists them.
            var decisions: [Bool] = []
            while size > 1 {
                let split = largestPowerOfTwo(below: size)
                if index < split { decisions.append(true); size = split } else { decisions.append(false); index -= split; size -= split }
            }
            for isLeft in decisions.reversed() {
                guard let sibling = proof.first else { ok = false; break }
                proof = proof.dropFirst()
                node = isLeft ? nodeHash(node, sibling) : nodeHash(sibling, node)
            }
            if !ok || !proof.isEmpty || hex(node) != receipt.head.root { problems.append(.notUnderHead(entry.id)) }
        }
        return problems
    }

    static func bytes(_ hex: String) -> [UInt8]? {
        guard hex.count % 2 == 0 else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            result.append(byte)
            index = next
        }
        return result
    }
}
