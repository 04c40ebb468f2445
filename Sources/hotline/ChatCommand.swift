import ArgumentParser
import Foundation
import HotlineAnswering
import HotlineClient
import HotlineProtocol
import HotlineText

/// How the CLI clients reach hotlined: host, port and a gateway token.
struct DaemonOptions: ParsableArguments {
    @Option(help: "hotlined's address.") var host = "127.0.0.1"
    @Option(help: "hotlined's port.") var port = 12348
    @Option(help: "A gateway token (default: the one hotlined created in --data-dir).") var token: String?
    @Option(help: "hotlined's data directory, to read the gateway-token file it created.") var dataDir = "hotline-data"

    func resolvedToken() throws -> String {
        if let token { return token }
        if let text = try? String(contentsOfFile: dataDir + "/gateway-token", encoding: .utf8) {
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        throw CLIError(try operatorText("chat.no-token"))
    }

    func connect() async throws -> LineClient {
        let client: LineClient
        do {
            client = try await LineClient.connect(host: host, port: port)
        } catch {
            throw CLIError(try operatorText("chat.connect-failed", ["host": host, "port": "\(port)", "error": "\(error)"]))
        }
        let reply = try await client.exchange("AUTH \(try resolvedToken())")
        guard reply.hasPrefix("OK AUTH") else { throw CLIError(reply) }
        return client
    }
}

/// The operator sentences (`Locales/operator`), read once per run.
let operatorCatalog: Result<LocaleCatalog, Error> = Result {
    try LocaleCatalog.load(directory: try ProjectResources.locate().localesDirectory + "/operator")
}

func operatorText(_ key: String, _ values: [String: String] = [:]) throws -> String {
    try operatorCatalog.get().text(key, .english, values)
}

struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk to hotlined as a caller: each line you type is one message of one session.",
        discussion: "/helpful and /unhelpful rate the last answer; a number picks a choice; Ctrl-D ends the session."
    )

    @OptionGroup var daemon: DaemonOptions
    @Option(help: "Your language (BCP 47), or auto.") var lang = "auto"
    @Option(help: "Session id (default: a random one).") var session: String?

    func run() async throws {
        let session = self.session ?? "chat-" + UUID().uuidString.prefix(8).lowercased()
        guard SessionID(session) != nil else { throw ValidationError("a session id is 1-64 characters of A-Z a-z 0-9 . _ : -") }
        let client = try await daemon.connect()
        let catalog = try ProjectResources.locate().catalog()
        print(catalog.text("cli.chat-welcome", Language(tag: lang) ?? .english))
        // One reader prints every line: replies go to the loop below in order; events (a lawyer's
        // reply to an escalated question) are shown when they arrive and acknowledged.
        let (replies, replyContinuation) = AsyncStream.makeStream(of: String.self)
        let reader = Task {
            while let line = try? await client.readLine(timeout: .hours(24)) {
                if line.hasPrefix("EVENT ") {
                    Chat.show(line)
                    if let id = ReplyLine(line)?.words.first { client.sendWithoutWaiting("ACK \(id)") }
                } else if !line.hasPrefix("OK ACK") {
                    replyContinuation.yield(line)
                }
            }
            replyContinuation.finish()
        }
        var pending = replies.makeAsyncIterator()
        while let line = readLine() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            let command: String
            switch text {
            case "/helpful", "/unhelpful": command = "FEEDBACK \(session) \(text.dropFirst())"
            default: command = "ASK \(session) \(lang) " + Escaping.escapeText(text)
            }
            client.sendWithoutWaiting(command)
            guard let reply = await pending.next() else { break }
            Chat.show(reply)
        }
        client.sendWithoutWaiting("END \(session)")
        _ = await pending.next()
        reader.cancel()
        await client.close()
    }

    /// A reply or event as a person reads it: a header, then the text.
    static func show(_ line: String) {
        guard let parsed = ReplyLine(line) else { print(line); return }
        var header = parsed.kind
        if parsed.kind == "EVENT", parsed.words.count >= 4 {
            header += " \(parsed.words[1]) session=\(parsed.words[2]) ticket=\(parsed.words[3])"
        }
        if let ref = parsed.field("ref") { header += " ref=\(ref)" }
        if let faq = parsed.field("faq") { header += " faq=\(faq)" }
        if let ticket = parsed.words.first, parsed.kind == "ESCALATED" { header += " ticket=\(ticket)" }
        print("[\(header)]")
        if let body = parsed.text { print(body) }
        print("")
    }
}
