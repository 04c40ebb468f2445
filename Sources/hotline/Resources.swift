import Foundation
import HotlineAnswering
import HotlineKnowledge
import HotlineText

/// Finds the shipped `KnowledgeBase/` and `Locales/` directories and the default compiled KB.
///
/// Looked up, in order: `$HOTLINE_HOME`; the working directory and its parents; the executable's
/// directory and its parents (so `.build/debug/hotline` finds the checkout it was built in).
struct ProjectResources {
    let root: String

    var sourcesDirectory: String { root + "/KnowledgeBase" }
    var localesDirectory: String { root + "/Locales" }
    var defaultKnowledgeBase: String { root + "/.hotline/kb.sqlite" }

    static func locate() throws -> ProjectResources {
        var candidates: [String] = []
        if let home = ProcessInfo.processInfo.environment["HOTLINE_HOME"] { candidates.append(home) }
        candidates += ancestors(FileManager.default.currentDirectoryPath)
        candidates += ancestors(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path)
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate + "/KnowledgeBase/FORMAT.md") {
            return ProjectResources(root: candidate)
        }
        throw CLIError("cannot find the KnowledgeBase/ and Locales/ directories: run from the LegalHotline checkout or set HOTLINE_HOME")
    }

    private static func ancestors(_ path: String) -> [String] {
        var result: [String] = []
        var url = URL(fileURLWithPath: path).standardizedFileURL
        for _ in 0..<8 {
            result.append(url.path)
            let parent = url.deletingLastPathComponent()
            if parent.path == url.path { break }
            url = parent
        }
        return result
    }

    func catalog() throws -> LocaleCatalog { try LocaleCatalog.load(directory: localesDirectory) }

    /// Loads and checks the shipped sources; throws when they have errors.
    func checkedSources() throws -> KnowledgeSources {
        let (sources, loadDiagnostics) = SourceLoader.load(directory: sourcesDirectory)
        let diagnostics = loadDiagnostics + SourceChecker.check(sources)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw CLIError(errors.prefix(20).map(\.description).joined(separator: "\n") + "\n\(errors.count) error(s) in \(sourcesDirectory)")
        }
        return sources
    }

    /// The default knowledge base, rebuilt from the shipped sources when it is missing, was built
    /// from other sources, or was indexed by another analyser version.
    func defaultKnowledgeBaseFile(chinese: ChineseScriptTable) throws -> KnowledgeBaseFile {
        // Hash the source files first (cheap); parse and check them only to rebuild.
        let hash = KnowledgeBuilder.contentHash(of: SourceLoader.fingerprint(directory: sourcesDirectory))
        if let file = try? KnowledgeBaseFile(path: defaultKnowledgeBase, chinese: chinese), file.contentHash == hash {
            return file
        }
        try KnowledgeBuilder(sources: try checkedSources()).build(to: defaultKnowledgeBase)
        return try KnowledgeBaseFile(path: defaultKnowledgeBase, chinese: chinese)
    }

    /// `--kb PATH` when given (used as is), else the default knowledge base.
    func knowledgeBase(_ path: String?, chinese: ChineseScriptTable = ChineseScriptTable()) throws -> KnowledgeBaseFile {
        if let path { return try KnowledgeBaseFile(path: path, chinese: chinese) }
        return try defaultKnowledgeBaseFile(chinese: chinese)
    }
}

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
