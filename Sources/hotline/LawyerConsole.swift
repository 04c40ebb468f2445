import ArgumentParser
import Foundation
import HotlineClient
import HotlineProtocol

/// `hotline lawyer`: a lawyer's console on the same protocol as any lawyer tool.
struct LawyerConsole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lawyer",
        abstract: "Work as a lawyer: take the next ticket, read its transcript and the bot's draft, reply, note, release or transfer it."
    )

    @Option(help: "hotlined's address.") var host = "127.0.0.1"
    @Option(help: "hotlined's port.") var port = 12348
    @Option(help: "Your lawyer token (hotline lawyers add).") var token: String

    func run() async throws {
        let client = try await LineClient.connect(host: host, port: port)
        let auth = try await client.exchange("AUTH \(token)")
        guard auth.hasPrefix("OK AUTH lawyer=") else { throw CLIError(auth) }
        print(try operatorText("lawyer.help"))
        var current: (ticket: String, claim: String)?
        while let raw = readLine() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            let (verb, rest) = line.split(separator: " ", maxSplits: 1).map(String.init).first.map { ($0.lowercased(), String(line.dropFirst($0.count)).trimmingCharacters(in: .whitespaces)) } ?? ("", "")
            if verb == "quit" { break }
            if verb == "next" {
                let reply = try await client.exchange("NEXT")
                guard let ticket = ReplyLine(reply), ticket.kind == "TICKET", ticket.words.count >= 2 else {
                    print(reply == "NONE" ? try operatorText("lawyer.none") : reply)
                    continue
                }
                current = (ticket.words[0], ticket.words[1])
                let format = { (ms: String?) -> String in
                    guard let ms, let value = Double(ms) else { return "?" }
                    return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: value / 1000))
                }
                print(try operatorText("lawyer.ticket", [
                    "ticket": ticket.words[0], "lang": ticket.field("lang") ?? "?", "priority": ticket.field("priority") ?? "?",
                    "reason": ticket.field("reason") ?? "?", "deadline": format(ticket.field("deadline")), "lease": format(ticket.field("lease-until")),
                ]))
                print(ticket.text ?? "")
                continue
            }
            guard let held = current else {
                print(try operatorText("lawyer.no-claim"))
                continue
            }
            let command: String
            switch verb {
            case "note": command = "NOTE \(held.ticket) \(held.claim) " + Escaping.escapeText(rest)
            case "touch": command = "TOUCH \(held.ticket) \(held.claim)"
            case "release": command = "RELEASE \(held.ticket) \(held.claim)"
            case "transfer": command = "TRANSFER \(held.ticket) \(held.claim) \(rest)"
            case "reply": command = "REPLY \(held.ticket) \(held.claim) " + Escaping.escapeText(rest)
            default: command = "REPLY \(held.ticket) \(held.claim) " + Escaping.escapeText(line)
            }
            let reply = try await client.exchange(command)
            if reply.hasPrefix("OK REPLY") { print(try operatorText("lawyer.sent")) } else { print(reply) }
            if reply.hasPrefix("OK REPLY") || reply.hasPrefix("OK RELEASE") || reply.hasPrefix("OK TRANSFER") || reply.hasPrefix("ERR STALE_CLAIM") {
                current = nil
            }
        }
        await client.close()
    }
}
