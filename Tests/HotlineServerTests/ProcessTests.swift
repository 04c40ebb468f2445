import Foundation
import HotlineClient
import HotlineProtocol
import HotlineStore
import HotlineTesting
import NIOConcurrencyHelpers
import Testing

/// The `hotlined` executable built beside this test bundle (Scripts/test builds every product).
let hotlinedBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hotlined").path
let hotlinedBuilt = FileManager.default.isExecutableFile(atPath: hotlinedBinary)

/// A real `hotlined` process, its standard output read line by line.
final class DaemonProcess: Sendable {
    let process: Process
    private let output = NIOLockedValueBox(Data())
    private let waiting = NIOLockedValueBox<(String, CheckedContinuation<String, Error>)?>(nil)

    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: hotlinedBinary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        self.process = process
        stdout.fileHandleForReading.readabilityHandler = { [output, waiting] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            let text = output.withLockedValue { $0.append(data); return String(decoding: $0, as: UTF8.self) }
            let found = waiting.withLockedValue { entry -> (CheckedContinuation<String, Error>, String)? in
                guard let (needle, continuation) = entry,
                      let line = text.split(separator: "\n").first(where: { $0.contains(needle) }) else { return nil }
                entry = nil
                return (continuation, String(line))
            }
            found.map { $0.0.resume(returning: $0.1) }
        }
        try process.run()
    }

    /// The first output line containing `needle`, waiting up to `seconds`.
    func line(containing needle: String, seconds: Double = 120) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            let existing = output.withLockedValue { String(decoding: $0, as: UTF8.self) }.split(separator: "\n").first { $0.contains(needle) }
            if let existing { continuation.resume(returning: String(existing)); return }
            waiting.withLockedValue { $0 = (needle, continuation) }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [waiting] in
                let expired = waiting.withLockedValue { entry -> CheckedContinuation<String, Error>? in
                    defer { entry = nil }
                    return entry?.1
                }
                expired?.resume(throwing: TestDaemonError("hotlined printed no line with \(needle) in \(seconds) s"))
            }
        }
    }

    /// The port from the "listening on host:port" line.
    func port() async throws -> Int {
        let line = try await line(containing: "listening on")
        guard let match = line.split(separator: " ").first(where: { $0.contains("127.0.0.1:") }),
              let port = Int(match.split(separator: ":").last ?? "") else { throw TestDaemonError("no port in \(line)") }
        return port
    }

    /// Waits for the process to exit, up to `seconds`; its exit status.
    func exitStatus(seconds: Double = 30) async throws -> Int32 {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, Error>) in
            let done = NIOLockedValueBox(false)
            DispatchQueue.global().async { [process] in
                process.waitUntilExit()
                if done.withLockedValue({ let was = $0; $0 = true; return !was }) { continuation.resume(returning: process.terminationStatus) }
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                if done.withLockedValue({ let was = $0; $0 = true; return !was }) {
                    continuation.resume(throwing: TestDaemonError("hotlined did not exit in \(seconds) s"))
                }
            }
        }
    }
}

@Suite(.enabled(if: hotlinedBuilt, "needs the hotlined executable (swift build --build-tests)"), .serialized)
struct ProcessTests {
    @Test func kill9LosesNoAnsweredQuestion() async throws {
        let data = TemporaryDirectory()
        let daemon = try DaemonProcess(["--port", "0", "--data-dir", data.path, "--kb", shippedKnowledgeBasePath,
                                        "--gateway-token", TestDaemon.gatewayToken])
        let client = try await LineClient.connect(host: "127.0.0.1", port: try await daemon.port())
        #expect(try await client.exchange("AUTH \(TestDaemon.gatewayToken)").hasPrefix("OK AUTH"))
        var batch = ""
        for index in 0..<40 { batch += "ASK k\(index % 5) auto 试用期被辞退有没有补偿 \(index)\n" }
        try await client.sendRaw(Array(batch.utf8))
        var references: [Int64] = []
        for _ in 0..<40 {
            let reply = try #require(ReplyLine(try await client.readLine()))
            references.append(try #require(reply.field("ref").flatMap { Int64($0) }))
        }
        kill(daemon.process.processIdentifier, SIGKILL)
        _ = try await daemon.exitStatus()
        // Every reply the gateway saw is in the transcript after the crash.
        let store = try ServiceStore(directory: data.path)
        var stored = Set<Int64>()
        for index in 0..<5 { stored.formUnion(try store.transcript(gateway: "default", session: "k\(index)").map(\.id)) }
        #expect(Set(references).isSubset(of: stored))
        #expect(references.count == 40)
    }

    @Test func sigtermDrainsAndExitsCleanly() async throws {
        let data = TemporaryDirectory()
        let daemon = try DaemonProcess(["--port", "0", "--data-dir", data.path, "--kb", shippedKnowledgeBasePath,
                                        "--gateway-token", TestDaemon.gatewayToken])
        let client = try await LineClient.connect(host: "127.0.0.1", port: try await daemon.port())
        #expect(try await client.exchange("AUTH \(TestDaemon.gatewayToken)").hasPrefix("OK AUTH"))
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(try await client.readLine().hasPrefix("DRAINING"))
        try await client.waitUntilClosed()
        #expect(try await daemon.exitStatus() == 0)
    }

    @Test func firstStartWithoutFlagsCreatesAndPrintsAGatewayToken() async throws {
        let data = TemporaryDirectory()
        let daemon = try DaemonProcess(["--port", "0", "--data-dir", data.path + "/fresh", "--kb", shippedKnowledgeBasePath])
        let created = try await daemon.line(containing: "Created gateway")
        let token = try String(contentsOfFile: data.path + "/fresh/gateway-token", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(created.contains(token))
        let attributes = try FileManager.default.attributesOfItem(atPath: data.path + "/fresh/gateway-token")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let client = try await LineClient.connect(host: "127.0.0.1", port: try await daemon.port())
        #expect(try await client.exchange("AUTH \(token)") == "OK AUTH gateway=default max-line=8192 protocol=1")
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(try await daemon.exitStatus() == 0)
    }
}
