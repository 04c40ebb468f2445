import Foundation
import HotlineAnswering

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Writes to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func loadConfiguration(_ path: String?) throws -> EngineConfiguration {
    guard let path else { return EngineConfiguration() }
    do { return try EngineConfiguration.load(path: path) } catch { throw CLIError("cannot read configuration \(path): \(error)") }
}
