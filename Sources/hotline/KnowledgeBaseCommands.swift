import ArgumentParser
import Foundation
import HotlineAnswering
import HotlineKnowledge
import HotlineText

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the knowledge-base sources against KnowledgeBase/FORMAT.md.")

    @Option(help: "Sources directory (default: the shipped KnowledgeBase/).")
    var sources: String?

    func run() throws {
        let resources = try ProjectResources.locate()
        let directory = sources ?? resources.sourcesDirectory
        let (loaded, loadDiagnostics) = SourceLoader.load(directory: directory)
        var diagnostics = loadDiagnostics + SourceChecker.check(loaded)
        if sources == nil {
            do {
                for (language, key) in try resources.catalog().missingKeys() {
                    diagnostics.append(Diagnostic(severity: .warning, location: SourceLocation(file: "Locales/\(language.tag).txt", line: 0), message: "missing key `\(key)` (English is shown)"))
                }
            } catch {
                diagnostics.append(Diagnostic(severity: .error, location: SourceLocation(file: "Locales", line: 0), message: "\(error)"))
            }
        }
        let lexicon = TermLexicon(entries: loaded.lexiconEntries, chinese: ChineseScriptTable())
        let conceptLocations = Dictionary(loaded.glossary.map { ($0.id, $0.location) }, uniquingKeysWith: { first, _ in first })
        for entry in lexicon.inert {
            let location = entry.concept.flatMap { conceptLocations[$0] } ?? SourceLocation(file: "KnowledgeBase/dictionary.txt", line: 0)
            diagnostics.append(Diagnostic(severity: .warning, location: location, message: "term `\(entry.term)` (\(entry.language?.tag ?? "any")) of concept `\(entry.concept ?? "")` can never match: a single character, or only stopwords"))
        }
        for diagnostic in diagnostics { print(diagnostic) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        print("\(loaded.faqs.count) FAQs, \(loaded.articles.count) articles of \(loaded.laws.count) laws, \(Set(loaded.glossary.map(\.id)).count) glossary concepts, \(loaded.dictionary.count) dictionary terms, \(loaded.phraseSets.count) trigger/handoff sets: \(errors) error(s), \(warnings) warning(s)")
        if errors > 0 { throw ExitCode.failure }
    }
}

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compile the sources (and a bureau's imports) into one SQLite knowledge base.",
        discussion: """
        Imports are JSON Lines (one object per line, unknown fields ignored); `-` reads standard input.
        By default they are added to the shipped sources; with --replace each given kind replaces the
        shipped one, while the shipped glossary, dictionary and triggers still apply. A failed build
        never replaces the previous file.
        """
    )

    @Option(help: "Sources directory (default: the shipped KnowledgeBase/).")
    var sources: String?
    @Option(help: "Statutes to import (JSON Lines: law, law_en, article, sub?, label, text, version?, effective?, repealed?).")
    var statutes: String?
    @Option(help: "FAQs to import (JSON Lines: id, topic, question, answer, citations).")
    var faqs: String?
    @Flag(help: "Imported kinds replace the shipped ones instead of adding to them.")
    var replace = false
    @Option(help: "Where to write the knowledge base (default: .hotline/kb.sqlite in the checkout).")
    var out: String?

    func run() throws {
        let resources = try ProjectResources.locate()
        let directory = sources ?? resources.sourcesDirectory
        var (loaded, diagnostics) = SourceLoader.load(directory: directory)
        if replace && statutes != nil { loaded.articles = []; loaded.laws = [:] }
        if replace && faqs != nil { loaded.faqs = [] }
        if let statutes {
            let (name, data) = try Importer.readLines(statutes)
            let (articles, importDiagnostics) = Importer.statutes(data, name: name)
            loaded.articles += articles
            diagnostics += importDiagnostics
            loaded.fingerprintParts.append(("import:statutes", Array(data)))
        }
        if let faqs {
            let (name, data) = try Importer.readLines(faqs)
            let (records, importDiagnostics) = Importer.faqs(data, name: name)
            loaded.faqs += records
            diagnostics += importDiagnostics
            loaded.fingerprintParts.append(("import:faqs", Array(data)))
        }
        if replace { loaded.fingerprintParts.append(("replace", [1])) }
        let checked = SourceChecker.check(loaded, statutesReplaced: statutes != nil && replace)
        diagnostics += checked
        let errors = diagnostics.filter { $0.severity == .error }
        for diagnostic in diagnostics.prefix(200) { printError(diagnostic.description) }
        if diagnostics.count > 200 { printError("… and \(diagnostics.count - 200) more") }
        guard errors.isEmpty else {
            printError("build failed: \(errors.count) error(s); the previous knowledge base is unchanged")
            throw ExitCode.failure
        }
        let target = out ?? resources.defaultKnowledgeBase
        let terminal = isatty(2) == 1
        let summary = try KnowledgeBuilder(sources: loaded).build(to: target) { progress in
            guard terminal else { return }
            switch progress {
            case .phase(let name): FileHandle.standardError.write(Data("\r\u{1B}[K\(name)…".utf8))
            case .articles(let done, let total):
                FileHandle.standardError.write(Data("\r\u{1B}[Kstatutes \(done)/\(total) (\(total == 0 ? 100 : done * 100 / total)%)".utf8))
            }
        }
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        print("built \(target): \(summary.faqs) FAQs, \(summary.currentArticles) current articles (\(summary.articles) versions), \(summary.concepts) concepts in \(String(format: "%.2f", summary.seconds)) s; content hash \(summary.contentHash.prefix(16))")
    }
}
