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

    /// Both chains verified by streaming them (a million entries without holding them).
    static func verifiedChains(_ data: DataDirectoryOption) throws -> [(name: String, result: (count: Int, firstBroken: Int64?, head: AuditLog.Head))] {
        [("transcript", try data.existingStore().verifyAudit()), ("tickets", try data.existingTicketStore().verifyAudit())]
    }
}

struct VerifyAudit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check every link of both chains; name the first broken entry.")
    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        var broken = false
        for (name, result) in try AuditCommand.verifiedChains(data) {
            if let entry = result.firstBroken {
                print(try operatorText("audit.broken", ["chain": name, "entry": "\(entry)", "count": "\(result.count)"]))
                broken = true
            } else {
                print(try operatorText("audit.intact", ["chain": name, "count": "\(result.count)", "root": result.head.root]))
            }
        }
        if broken { throw ExitCode.failure }
    }
}

struct AuditHead: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "head", abstract: "Print the heads to publish (entry count and Merkle root of each chain) as JSON.")
    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        try printJSON(Dictionary(uniqueKeysWithValues: try AuditCommand.verifiedChains(data).map { ($0.name, $0.result.head) }))
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
        let subject = gateway + "/" + session
        try printJSON([
            "transcript": AuditLog.receipt(subject: subject, entries: try data.existingStore().auditEntries()),
            "tickets": AuditLog.receipt(subject: subject, entries: try await data.existingTicketStore().auditEntries()),
        ])
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
        let receipts = try readJSON([String: AuditLog.Receipt].self, from: file)
        let published = try heads.map { try readJSON([String: AuditLog.Head].self, from: $0) }
        var problems: [String] = []
        for (name, receipt) in receipts.sorted(by: { $0.key < $1.key }) {
            for problem in AuditLog.check(receipt) {
                switch problem {
                case .alteredEntry(let entry): problems.append(try operatorText("audit.receipt-altered", ["chain": name, "entry": "\(entry)"]))
                case .malformedProof(let entry): problems.append(try operatorText("audit.receipt-malformed", ["chain": name, "entry": "\(entry)"]))
                case .notUnderHead(let entry): problems.append(try operatorText("audit.receipt-not-under-head", ["chain": name, "entry": "\(entry)"]))
                }
            }
            if let published, published[name] != receipt.head {
                problems.append(try operatorText("audit.receipt-head-unpublished", ["chain": name, "count": "\(receipt.head.size)", "root": receipt.head.root]))
            }
            print(try operatorText("audit.receipt-summary", ["chain": name, "items": "\(receipt.items.count)", "subject": receipt.subject,
                                                              "count": "\(receipt.head.size)", "root": receipt.head.root]))
        }
        for problem in problems { print(problem) }
        if !problems.isEmpty { throw ExitCode.failure }
        print(try operatorText("audit.receipt-valid"))
    }
}
