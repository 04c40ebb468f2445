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
        // One reader routes replies to the loop below; a keep-alive PING every minute holds the
        // connection (and so the claim) while the lawyer writes a long reply.
        let (replies, continuation) = AsyncStream.makeStream(of: String.self)
        let reader = Task {
            while let line = try? await client.readLine(timeout: .hours(24)) {
                if line != "PONG" { continuation.yield(line) }
            }
            continuation.finish()
        }
        let keepAlive = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(60))
                client.sendWithoutWaiting("PING")
            }
        }
        defer {
            keepAlive.cancel()
            reader.cancel()
        }
        var pending = replies.makeAsyncIterator()
        func exchange(_ command: String) async throws -> String {
            client.sendWithoutWaiting(command)
            guard let reply = await pending.next() else { throw CLIError(try operatorText("lawyer.closed")) }
            return reply
        }
        var current: (ticket: String, claim: String)?
        while let raw = readLine() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            // Commands start with "/"; any other line is a reply to the caller.
            var verb = "", rest = line
            if line.hasPrefix("/") {
                let parts = line.dropFirst().split(separator: " ", maxSplits: 1)
                verb = parts.first.map { $0.lowercased() } ?? ""
                rest = parts.count > 1 ? String(parts[1]) : ""
            }
            if verb == "quit" { break }
            if verb == "next" {
                let reply = try await exchange("NEXT")
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
            case "": command = "REPLY \(held.ticket) \(held.claim) " + Escaping.escapeText(line)
            case "note": command = "NOTE \(held.ticket) \(held.claim) " + Escaping.escapeText(rest)
            case "touch": command = "TOUCH \(held.ticket) \(held.claim)"
            case "release": command = "RELEASE \(held.ticket) \(held.claim)"
            case "close": command = "CLOSE \(held.ticket) \(held.claim)"
            case "transfer": command = "TRANSFER \(held.ticket) \(held.claim) \(rest)"
            default:
                print(try operatorText("lawyer.help"))
                continue
            }
            let reply = try await exchange(command)
            if reply.hasPrefix("OK REPLY") { print(try operatorText("lawyer.sent")) } else { print(reply) }
            if ["OK REPLY", "OK RELEASE", "OK TRANSFER", "OK CLOSE", "ERR STALE_CLAIM"].contains(where: reply.hasPrefix) {
                current = nil
            }
        }
        await client.close()
    }
}
