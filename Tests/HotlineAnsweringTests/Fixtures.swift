import Foundation
import HotlineAnswering
import HotlineKnowledge
import HotlineText

/// The checkout this test binary was built from (Tests/HotlineAnsweringTests/ → root).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// `../shared/corpus` beside the checkout, where official statute text lives for tests.
let corpusDirectory = URL(fileURLWithPath: repositoryRoot).deletingLastPathComponent().appendingPathComponent("shared/corpus").path
let corpusAvailable = FileManager.default.fileExists(atPath: corpusDirectory + "/statutes.jsonl")

/// A fresh temporary directory per use, removed when the value goes away.
final class TemporaryDirectory: @unchecked Sendable {
    let path: String
    init() {
        path = NSTemporaryDirectory() + "hotline-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// The shipped knowledge base, built once per test process into its own temporary directory.
let shippedKnowledgeBase: KnowledgeBaseFile = {
    let directory = TemporaryDirectory()
    let (sources, diagnostics) = SourceLoader.load(directory: repositoryRoot + "/KnowledgeBase")
    precondition(diagnostics.isEmpty && SourceChecker.check(sources).isEmpty, "shipped sources have errors: run hotline kb check")
    let path = directory.path + "/kb.sqlite"
    try! KnowledgeBuilder(sources: sources).build(to: path)
    let file = try! KnowledgeBaseFile(path: path)
    // Keep the directory for the life of the process (the file stays open read-only).
    retainedDirectories.append(directory)
    return file
}()

nonisolated(unsafe) private var retainedDirectories: [TemporaryDirectory] = []

let shippedCatalog: LocaleCatalog = try! LocaleCatalog.load(directory: repositoryRoot + "/Locales")

/// An engine of its own for each test (engines are single-threaded).
func makeEngine() throws -> AnswerEngine { try AnswerEngine(file: shippedKnowledgeBase) }
