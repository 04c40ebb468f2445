import ArgumentParser
import Foundation
import HotlineStore
import HotlineTickets

/// The tamper-evident record (``AuditLog``): verify the chains, print the heads to publish,
/// export and check a session's receipt. The transcript (hotline.sqlite) and the ticket store
/// (tickets.sqlite) each keep a chain, appended in the same transaction as what it records.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify the tamper-evident record, print its heads, export and check receipts.",
        subcommands: [VerifyAudit.self, AuditHead.self, AuditReceipt.self, CheckReceipt.self]
    )

    /// Both chains, by name.
    static func chains(_ data: DataDirectoryOption) async throws -> [(name: String, entries: [AuditLog.Entry])] {
        [("transcript", try data.store().auditEntries()),
         ("tickets", try await SQLiteTicketStore(directory: data.dataDir).auditEntries())]
    }
}

struct VerifyAudit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check every link of both chains; name the first broken entry.")
    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        var broken = false
        let results = [("transcript", try data.store().verifyAudit()), ("tickets", try SQLiteTicketStore(directory: data.dataDir).verifyAudit())]
        for (name, result) in results {
            if let entry = result.firstBroken {
                print("\(name)\tBROKEN at entry \(entry) of \(result.count)")
                broken = true
            } else {
                print("\(name)\tintact\t\(result.count) entries\troot \(result.head.root)")
            }
        }
        if broken { throw ExitCode.failure }
    }
}

struct AuditHead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "head", abstract: "Print the heads to publish (entry count and Merkle root of each chain) as JSON.")
    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        var heads: [String: AuditLog.Head] = [:]
        for (name, entries) in try await AuditCommand.chains(data) { heads[name] = AuditLog.head(entries) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        print(String(decoding: try encoder.encode(heads), as: UTF8.self))
    }
}

struct AuditReceipt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Export a session's receipt: its entries in both chains with Merkle inclusion proofs (JSON; hashes only, no text)."
    )
    @Argument(help: "The session id.") var session: String
    @Option(help: "The gateway the session belongs to.") var gateway: String
    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        var receipts: [String: AuditLog.Receipt] = [:]
        for (name, entries) in try await AuditCommand.chains(data) { receipts[name] = AuditLog.receipt(subject: gateway + "/" + session, entries: entries) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        print(String(decoding: try encoder.encode(receipts), as: UTF8.self))
    }
}

struct CheckReceipt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-receipt",
        abstract: "Check a receipt on its own (needs no data directory), and against published heads when given."
    )
    @Argument(help: "The receipt file (from `hotline audit receipt`).") var file: String
    @Option(help: "Published heads (from `hotline audit head`) the receipt must match.") var heads: String?

    func run() throws {
        let receipts = try JSONDecoder().decode([String: AuditLog.Receipt].self, from: Data(contentsOf: URL(fileURLWithPath: file)))
        let published = try heads.map { try JSONDecoder().decode([String: AuditLog.Head].self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
        var problems: [String] = []
        for (name, receipt) in receipts.sorted(by: { $0.key < $1.key }) {
            problems += AuditLog.check(receipt).map { "\(name): \($0)" }
            if let published, published[name] != receipt.head {
                problems.append("\(name): the receipt's head (\(receipt.head.size) entries, \(receipt.head.root)) is not the published one")
            }
            print("\(name)\t\(receipt.items.count) entries for \(receipt.subject)\thead \(receipt.head.size) \(receipt.head.root)")
        }
        for problem in problems { print("INVALID\t\(problem)") }
        if !problems.isEmpty { throw ExitCode.failure }
        print("valid")
    }
}
