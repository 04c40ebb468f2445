import ArgumentParser
import Foundation
import HotlineStore
import HotlineTickets

/// A caller's rights under the Personal Information Protection Law: access to, and deletion of,
/// what the service keeps about their session. The gateway maps the caller to the session id.
struct PrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Serve a caller's access and deletion requests for one session.",
        subcommands: [ExportSession.self, EraseSession.self]
    )
}

struct SessionSelection: ParsableArguments {
    @Argument(help: "The session id the gateway used for the caller.") var session: String
    @Option(help: "Only this gateway's session (default: the session id on every gateway).") var gateway: String?
}

struct ExportSession: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print everything kept about a session as JSON Lines: transcript lines with feedback, attributes, tickets and their messages."
    )
    @OptionGroup var selection: SessionSelection
    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        let records = try data.existingStore().exportSession(gateway: selection.gateway, session: selection.session)
            + (try await data.existingTicketStore().exportSession(gateway: selection.gateway, session: selection.session))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for record in records { print(String(decoding: try encoder.encode(record), as: UTF8.self)) }
    }
}

struct EraseSession: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a session's raw text (questions, ticket messages, replies) and attributes; times, decisions and ratings stay for statistics. Erased bytes are zeroed and the WAL truncated."
    )
    @OptionGroup var selection: SessionSelection
    @OptionGroup var data: DataDirectoryOption

    func run() async throws {
        let transcript = try data.existingStore().eraseSession(gateway: selection.gateway, session: selection.session)
        let tickets = try await data.existingTicketStore().eraseSession(gateway: selection.gateway, session: selection.session)
        print("transcript\t\(transcript)")
        print("tickets\t\(tickets)")
    }
}
