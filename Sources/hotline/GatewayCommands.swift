import ArgumentParser
import Foundation
import HotlineProtocol
import HotlineStore
import HotlineTickets

struct GatewaysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gateways",
        abstract: "Manage the gateways allowed to connect to hotlined (each with its own id and token).",
        subcommands: [AddGateway.self, ListGateways.self, DisableGateway.self]
    )
}

struct DataDirectoryOption: ParsableArguments {
    @Option(help: "hotlined's data directory.")
    var dataDir = "hotline-data"

    /// The service store, created if missing (setting up: `gateways add`).
    func store() throws -> ServiceStore { try ServiceStore(directory: dataDir) }

    /// The service store of a data directory that must already exist: a command that reads or
    /// erases data says so when pointed at the wrong place, instead of creating an empty store
    /// and reporting nothing.
    func existingStore() throws -> ServiceStore {
        try requireExisting("hotline.sqlite")
        return try ServiceStore(directory: dataDir)
    }

    func existingTicketStore() throws -> SQLiteTicketStore {
        try requireExisting("tickets.sqlite")
        return try SQLiteTicketStore(directory: dataDir)
    }

    private func requireExisting(_ file: String) throws {
        guard FileManager.default.fileExists(atPath: dataDir + "/" + file) else {
            throw CLIError(try operatorText("cli.no-data", ["dir": dataDir, "file": file]))
        }
    }
}

/// Prints a value as pretty, key-sorted JSON (receipts, heads, exports are read by people too).
func printJSON<T: Encodable>(_ value: T) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}

/// Reads a JSON file a person handed over, naming the file and the problem when it is not one.
func readJSON<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw CLIError(try operatorText("cli.cannot-read", ["file": path, "error": error.localizedDescription]))
    }
    do { return try JSONDecoder().decode(type, from: data) } catch {
        throw CLIError(try operatorText("cli.bad-json", ["file": path, "error": "\(error)"]))
    }
}

struct AddGateway: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a gateway, or give an existing one a new token (takes effect at its next AUTH).")
    @Argument(help: "Gateway id: 1-64 characters of A-Z a-z 0-9 . _ : -") var id: String
    @Option(help: "Its token: 16-128 printable ASCII characters without spaces (default: a random one, printed).") var token: String?
    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        guard SessionID(id) != nil else { throw ValidationError("a gateway id is 1-64 characters of A-Z a-z 0-9 . _ : -") }
        let token = self.token ?? ServiceStore.randomToken()
        guard ServiceStore.isAcceptableToken(token) else { throw ValidationError("a token is 16-128 printable ASCII characters without spaces") }
        try data.store().addGateway(id: id, token: token)
        print(self.token == nil ? "\(id) \(token)" : id)
    }
}

struct ListGateways: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List gateways (tokens are stored hashed and never shown).")
    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        for gateway in try data.store().gateways() {
            print("\(gateway.id)\t\(gateway.disabled ? "disabled" : "enabled")")
        }
    }
}

struct DisableGateway: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a gateway: its token is refused at the next AUTH.")
    @Argument var id: String
    @OptionGroup var data: DataDirectoryOption

    func run() throws {
        guard try data.store().setGatewayDisabled(id: id, true) else { throw CLIError("no gateway \(id)") }
    }
}
