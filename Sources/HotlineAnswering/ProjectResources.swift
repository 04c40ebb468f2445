import Foundation
import HotlineKnowledge
import HotlineText

/// Finds the shipped `KnowledgeBase/` and `Locales/` directories and the default compiled KB.
///
/// Looked up, in order: `$HOTLINE_HOME`; the working directory and its parents; the executable's
/// directory and its parents (so `.build/debug/hotline` finds the checkout it was built in).
public struct ProjectResources: Sendable {
    public let root: String

    public init(root: String) { self.root = root }

    public var sourcesDirectory: String { root + "/KnowledgeBase" }
    public var localesDirectory: String { root + "/Locales" }
    public var defaultKnowledgeBase: String { root + "/.hotline/kb.sqlite" }

    public static func locate() throws -> ProjectResources {
        var candidates: [String] = []
        if let home = ProcessInfo.processInfo.environment["HOTLINE_HOME"] { candidates.append(home) }
        candidates += ancestors(FileManager.default.currentDirectoryPath)
        candidates += ancestors(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path)
        for candidate in candidates where FileManager.default.fileExists(atPath: candidate + "/KnowledgeBase/FORMAT.md") {
            return ProjectResources(root: candidate)
        }
        throw ResourceError("cannot find the KnowledgeBase/ and Locales/ directories: run from the LegalHotline checkout or set HOTLINE_HOME")
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

    public func catalog() throws -> LocaleCatalog { try LocaleCatalog.load(directory: localesDirectory) }

    /// Loads and checks the shipped sources; throws when they have errors.
    public func checkedSources() throws -> KnowledgeSources {
        let (sources, loadDiagnostics) = SourceLoader.load(directory: sourcesDirectory)
        let diagnostics = loadDiagnostics + SourceChecker.check(sources)
        let errors = diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else {
            throw ResourceError(errors.prefix(20).map(\.description).joined(separator: "\n") + "\n\(errors.count) error(s) in \(sourcesDirectory)")
        }
        return sources
    }

    /// The default knowledge base, rebuilt from the shipped sources when it is missing, was built
    /// from other sources, or was indexed by another analyser version.
    public func defaultKnowledgeBaseFile(chinese: ChineseScriptTable) throws -> KnowledgeBaseFile {
        // Hash the source files first (cheap); parse and check them only to rebuild.
        let hash = KnowledgeBuilder.contentHash(of: SourceLoader.fingerprint(directory: sourcesDirectory))
        if let file = try? KnowledgeBaseFile(path: defaultKnowledgeBase, chinese: chinese), file.contentHash == hash {
            return file
        }
        try KnowledgeBuilder(sources: try checkedSources()).build(to: defaultKnowledgeBase)
        return try KnowledgeBaseFile(path: defaultKnowledgeBase, chinese: chinese)
    }

    /// `--kb PATH` when given (used as is), else the default knowledge base.
    public func knowledgeBase(_ path: String?, chinese: ChineseScriptTable = ChineseScriptTable()) throws -> KnowledgeBaseFile {
        if let path { return try KnowledgeBaseFile(path: path, chinese: chinese) }
        return try defaultKnowledgeBaseFile(chinese: chinese)
    }
}

/// The shipped resources are missing or the knowledge-base sources have errors.
public struct ResourceError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
