import ArgumentParser
import Foundation
import HotlineProtocol
import HotlineStore
import HotlineTickets

struct LawyersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lawyers",
        abstract: "Manage the lawyers who take escalated questions (each logs in to hotlined with their own token).",
        subcommands: [AddLawyer.self, ListLawyers.self, DisableLawyer.self]
    )
}

struct AddLawyer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a lawyer, or update one (new token, languages, specialties).")
    @Argument(help: "Lawyer id: 1-64 characters of A-Z a-z 0-9 . _ : -") var id: String
    @Option(help: "Their token: 16-128 printable ASCII characters without spaces (default: a random one, printed).") var token: String?
    @Option(help: "Languages they answer in, comma-separated BCP 47 tags (zh-Hans,en).") var languages: String
    @Option(help: "FAQ topics they take, comma-separated (labor,family); default: any.") var specialties: String = ""
    @Flag(help: "A supervisor may also take complaints and buried tickets.") var supervisor = false
    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        guard SessionID(id) != nil else { throw ValidationError("a lawyer id is 1-64 characters of A-Z a-z 0-9 . _ : -") }
        let token = self.token ?? ServiceStore.randomToken()
        guard ServiceStore.isAcceptableToken(token) else { throw ValidationError("a token is 16-128 printable ASCII characters without spaces") }
        let tags = languages.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !tags.isEmpty else { throw ValidationError("--languages needs at least one language") }
        let lawyer = Lawyer(id: id, languages: tags, specialties: specialties.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }, supervisor: supervisor)
        try await SQLiteTicketStore(directory: data.dataDir).addLawyer(lawyer, token: token)
        print(self.token == nil ? "\(id) \(token)" : id)
    }
}

struct ListLawyers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List lawyers (tokens are stored hashed and never shown).")
    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        for lawyer in try await SQLiteTicketStore(directory: data.dataDir).lawyers() {
            let specialties = lawyer.specialties.isEmpty ? "any topic" : lawyer.specialties.joined(separator: ",")
            print("\(lawyer.id)\t\(lawyer.languages.joined(separator: ","))\t\(specialties)\t\(lawyer.supervisor ? "supervisor" : "lawyer")\t\(lawyer.disabled ? "disabled" : "enabled")")
        }
    }
}

struct DisableLawyer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a lawyer: their token is refused at the next AUTH.")
    @Argument var id: String
    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        guard try await SQLiteTicketStore(directory: data.dataDir).setLawyerDisabled(id, true) else { throw CLIError("no lawyer \(id)") }
    }
}

struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets",
        abstract: "The escalation queue: depth, oldest waiting age, tickets at risk of missing their promise, and breaches."
    )
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Minutes before its deadline a ticket counts as at risk.") var atRiskMinutes = 10
    @Option(help: "Also list the tickets in this state: waiting, claimed or buried.") var list: String?

    func run() async throws {
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let store = try SQLiteTicketStore(directory: data.dataDir)
        let stats = try await store.statistics(now: now, atRiskMargin: Int64(atRiskMinutes) * 60_000)
        print("waiting\t\(stats.waiting)")
        print("claimed\t\(stats.claimed)")
        print("buried\t\(stats.buried)")
        print("oldest waiting\t\(stats.oldestWaitingAge / 1000) s")
        print("at risk\t\(stats.atRisk)")
        print("breached\t\(stats.breached)")
        for rating in try await store.ratingsByLawyer() {
            print("rating\t\(rating.lawyer)\t\(rating.count) ratings\tmean \(String(format: "%.2f", rating.mean))")
        }
        if let list {
            let status: TicketStatus
            switch list {
            case "waiting": status = .open
            case "claimed": status = .claimed
            case "buried": status = .buried
            default: throw ValidationError("--list takes waiting, claimed or buried")
            }
            for ticket in try await store.list(status: status, limit: 1000) {
                print("\(ticket.wireID)\t\(ticket.language)\t\(ticket.priority == .urgent ? "urgent" : "normal")\t\(ticket.reason)\t\((now - ticket.createdAt) / 1000) s\t\(ticket.gateway)/\(ticket.session)")
            }
        }
    }
}
