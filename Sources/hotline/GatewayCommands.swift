import ArgumentParser
import HotlineProtocol
import HotlineStore

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

    func store() throws -> ServiceStore { try ServiceStore(directory: dataDir) }
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
