import Foundation
import HotlineText

/// Reads the `KnowledgeBase/` directory into ``KnowledgeSources``, reporting every malformed
/// record with its file and line.
public enum SourceLoader {
    /// The source files in the order ``load(directory:)`` reads them.
    static func sourceFiles(_ root: URL) -> [URL] {
        func files(_ sub: String) -> [URL] {
            let dir = root.appendingPathComponent(sub)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.filter { $0.hasSuffix(".txt") }.sorted().map { dir.appendingPathComponent($0) }
        }
        return files("statutes") + files("faqs") + files("translations") + files("glossary")
            + ["dictionary.txt", "triggers.txt", "handoff.txt"].map { root.appendingPathComponent($0) }
    }

    /// Only the bytes that identify the sources (what ``KnowledgeBuilder/contentHash(of:)``
    /// hashes), without parsing them: enough to tell whether a compiled KB is up to date.
    public static func fingerprint(directory: String) -> KnowledgeSources {
        var sources = KnowledgeSources()
        let root = URL(fileURLWithPath: directory)
        for url in sourceFiles(root) {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let relative = url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.path
            sources.fingerprintParts.append((relative, Array(data)))
        }
        return sources
    }

    public static func load(directory: String) -> (KnowledgeSources, [Diagnostic]) {
        var sources = KnowledgeSources()
        var diagnostics: [Diagnostic] = []
        let root = URL(fileURLWithPath: directory)
        func files(_ sub: String) -> [URL] {
            let dir = root.appendingPathComponent(sub)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            return names.filter { $0.hasSuffix(".txt") }.sorted().map { dir.appendingPathComponent($0) }
        }
        func read(_ url: URL) -> (String, String)? {
            guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
            let relative = url.path.hasPrefix(root.path + "/") ? String(url.path.dropFirst(root.path.count + 1)) : url.path
            sources.fingerprintParts.append((relative, Array(data)))
            guard let text = String(data: data, encoding: .utf8) else {
                diagnostics.append(.error(SourceLocation(file: displayPath(url), line: 1), "not valid UTF-8"))
                return nil
            }
            return (displayPath(url), text)
        }
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("faqs").path) else {
            diagnostics.append(.error(SourceLocation(file: directory, line: 0), "no knowledge-base sources here (expected faqs/, statutes/, glossary/)"))
            return (sources, diagnostics)
        }
        for url in files("statutes") {
            guard let (name, text) = read(url) else { continue }
            diagnostics += parseStatutes(text, file: name, into: &sources)
        }
        for url in files("faqs") {
            guard let (name, text) = read(url) else { continue }
            diagnostics += parseFAQs(text, file: name, into: &sources)
        }
        for url in files("translations") {
            guard let (name, text) = read(url) else { continue }
            diagnostics += parseTranslations(text, file: name, into: &sources)
        }
        for url in files("glossary") {
            guard let (name, text) = read(url) else { continue }
            diagnostics += parseGlossary(text, file: name, into: &sources)
        }
        if let (name, text) = read(root.appendingPathComponent("dictionary.txt")) {
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let term = String(line).trimmingWhitespace()
                if term.isEmpty || term.hasPrefix("#") { continue }
                if term.contains(" ") || term.contains(":") {
                    diagnostics.append(.error(SourceLocation(file: name, line: index + 1), "one term per line expected"))
                    continue
                }
                sources.dictionary.append(term)
            }
        }
        for (file, kind) in [("triggers.txt", PhraseSet.Kind.trigger), ("handoff.txt", .handoff)] {
            if let (name, text) = read(root.appendingPathComponent(file)) {
                diagnostics += parsePhraseSets(text, file: name, kind: kind, into: &sources)
            }
        }
        return (sources, diagnostics)
    }

    static func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        return url.path.hasPrefix(cwd) ? String(url.path.dropFirst(cwd.count)) : url.path
    }

    // MARK: - Field helpers

    /// Checks a record's keys against the allowed ones and collects its values.
    struct Fields {
        var record: Record
        var file: String
        var diagnostics: [Diagnostic] = []

        func location(_ line: Int) -> SourceLocation { SourceLocation(file: file, line: line) }
        var start: SourceLocation { location(record.line) }

        func all(_ key: String) -> [RecordField] { record.fields.filter { $0.key == key } }

        mutating func single(_ key: String, required: Bool = true) -> String? {
            let found = all(key)
            if found.count > 1 { diagnostics.append(.error(location(found[1].line), "`\(key)` given more than once")) }
            if found.isEmpty {
                if required { diagnostics.append(.error(start, "missing `\(key)`")) }
                return nil
            }
            if found[0].value.isEmpty {
                diagnostics.append(.error(location(found[0].line), "`\(key)` is empty"))
                return nil
            }
            return found[0].value
        }

        mutating func rejectUnknown(_ allowed: (String) -> Bool) {
            for field in record.fields where !allowed(field.key) {
                diagnostics.append(.error(location(field.line), "unknown key `\(field.key)`"))
            }
        }

        /// `key.<lang>` fields grouped by language.
        mutating func languageFields(_ prefix: String) -> [Language: [(String, Int)]] {
            var result: [Language: [(String, Int)]] = [:]
            for field in record.fields where field.key.hasPrefix(prefix + ".") {
                let tag = String(field.key.dropFirst(prefix.count + 1))
                guard let language = Language(tag: tag), language.tag == tag else {
                    diagnostics.append(.error(location(field.line), "unknown language tag `\(tag)`"))
                    continue
                }
                if field.value.isEmpty {
                    diagnostics.append(.error(location(field.line), "`\(field.key)` is empty"))
                    continue
                }
                result[language, default: []].append((field.value, field.line))
            }
            return result
        }

        mutating func date(_ key: String) -> String? {
            guard let value = single(key, required: false) else { return nil }
            guard isISODate(value) else {
                diagnostics.append(.error(location(all(key)[0].line), "`\(key)` must be YYYY-MM-DD"))
                return nil
            }
            return value
        }
    }

    static func isISODate(_ value: String) -> Bool {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return false }
        return year > 1900 && (1...12).contains(month) && (1...31).contains(day)
    }

    static func isIdentifier(_ value: String, dotted: Bool) -> Bool {
        let allowed = value.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
        guard allowed, !value.isEmpty, value.first != "-", value.first != "." else { return false }
        if dotted { return value.contains(".") && !value.hasSuffix(".") && !value.contains("..") }
        return !value.contains(".")
    }

    /// `30` or `133-1`.
    static func parseArticleNumber(_ value: String) -> (Int, Int?)? {
        guard let reference = StatuteReference(id: "x#" + value) else { return nil }
        return (reference.article, reference.sub)
    }

    // MARK: - Statutes

    static func parseStatutes(_ text: String, file: String, into sources: inout KnowledgeSources) -> [Diagnostic] {
        let (records, parseDiagnostics) = RecordParser.parse(text, file: file)
        var diagnostics = parseDiagnostics
        var currentLaw: LawHeader? = nil
        for record in records {
            var fields = Fields(record: record, file: file)
            if record.fields.first?.key == "law" {
                fields.rejectUnknown { ["law", "law.en", "alias", "effective", "version", "repealed"].contains($0) }
                let title = fields.single("law") ?? ""
                let header = LawHeader(
                    title: title,
                    englishTitle: fields.single("law.en") ?? "",
                    aliases: fields.all("alias").map(\.value),
                    effective: fields.date("effective") ?? { _ = fields.single("effective"); return nil }(),
                    version: fields.date("version"),
                    repealed: fields.date("repealed"),
                    location: fields.start
                )
                if let existing = sources.laws[title] {
                    if existing.englishTitle != header.englishTitle || existing.effective != header.effective || existing.version != header.version
                        || existing.repealed != header.repealed {
                        fields.diagnostics.append(.error(fields.start, "law header for \(title) disagrees with \(existing.location)"))
                    }
                    var merged = existing
                    for alias in header.aliases where !merged.aliases.contains(alias) { merged.aliases.append(alias) }
                    sources.laws[title] = merged
                } else if !title.isEmpty {
                    sources.laws[title] = header
                }
                currentLaw = sources.laws[title]
            } else if record.fields.first?.key == "article" {
                fields.rejectUnknown { ["article", "label", "summary.zh-Hans", "summary.en", "repealed"].contains($0) }
                guard let law = currentLaw else {
                    fields.diagnostics.append(.error(fields.start, "article before any `law:` header"))
                    diagnostics += fields.diagnostics
                    continue
                }
                let number = fields.single("article") ?? ""
                let label = fields.single("label")
                let zh = fields.single("summary.zh-Hans")
                let en = fields.single("summary.en")
                let repealed = fields.date("repealed") ?? law.repealed
                guard let (article, sub) = parseArticleNumber(number) else {
                    if !number.isEmpty { fields.diagnostics.append(.error(fields.start, "article number `\(number)` is not N or N-S")) }
                    diagnostics += fields.diagnostics
                    continue
                }
                sources.articles.append(StatuteArticle(
                    reference: StatuteReference(law: law.title, article: article, sub: sub),
                    label: label ?? "", englishLawTitle: law.englishTitle,
                    summaryChinese: zh, summaryEnglish: en, officialText: nil,
                    effective: law.effective, version: law.version, repealed: repealed, location: fields.start
                ))
            } else {
                fields.diagnostics.append(.error(fields.start, "a statutes record starts with `law:` or `article:`"))
            }
            diagnostics += fields.diagnostics
        }
        return diagnostics
    }

    // MARK: - FAQs

    static func parseFAQs(_ text: String, file: String, into sources: inout KnowledgeSources) -> [Diagnostic] {
        let (records, parseDiagnostics) = RecordParser.parse(text, file: file)
        var diagnostics = parseDiagnostics
        for record in records {
            var fields = Fields(record: record, file: file)
            fields.rejectUnknown { ["id", "topic", "cite"].contains($0) || $0.hasPrefix("q.") || $0.hasPrefix("a.") }
            let id = fields.single("id") ?? ""
            if !id.isEmpty && !isIdentifier(id, dotted: true) {
                fields.diagnostics.append(.error(fields.start, "FAQ id `\(id)` must look like `labor.wage-arrears`"))
            }
            let topic = fields.single("topic") ?? ""
            if !topic.isEmpty && !faqTopics.contains(topic) {
                fields.diagnostics.append(.error(fields.location(fields.all("topic")[0].line), "unknown topic `\(topic)`"))
            }
            let questions = fields.languageFields("q").mapValues { $0.map(\.0) }
            var answers: [Language: String] = [:]
            for (language, values) in fields.languageFields("a") {
                if values.count > 1 { fields.diagnostics.append(.error(fields.location(values[1].1), "more than one answer in \(language.tag)")) }
                answers[language] = values[0].0
            }
            var citations: [StatuteReference] = []
            for field in fields.all("cite") {
                guard let reference = StatuteReference(id: field.value) else {
                    fields.diagnostics.append(.error(fields.location(field.line), "citation `\(field.value)` is not `<law>#<article>[-<sub>]`"))
                    continue
                }
                citations.append(reference)
            }
            sources.faqs.append(FAQ(id: id, topic: topic, questions: questions, answers: answers, citations: citations, location: fields.start, imported: false))
            diagnostics += fields.diagnostics
        }
        return diagnostics
    }

    /// `translations/*.txt`: an FAQ's answer (and question variants) in further languages, kept
    /// apart from the FAQ so translators work one file per language; every record says how its
    /// translation was checked (`checked:`).
    static func parseTranslations(_ text: String, file: String, into sources: inout KnowledgeSources) -> [Diagnostic] {
        let (records, parseDiagnostics) = RecordParser.parse(text, file: file)
        var diagnostics = parseDiagnostics
        for record in records {
            var fields = Fields(record: record, file: file)
            fields.rejectUnknown { ["faq", "checked"].contains($0) || $0.hasPrefix("q.") || $0.hasPrefix("a.") }
            let id = fields.single("faq") ?? ""
            if fields.single("checked")?.isEmpty ?? true {
                fields.diagnostics.append(.error(fields.start, "a translation needs `checked:` (how its meaning was verified)"))
            }
            guard let index = sources.faqs.firstIndex(where: { $0.id == id }) else {
                fields.diagnostics.append(.error(fields.start, "no FAQ `\(id)` to translate"))
                diagnostics += fields.diagnostics
                continue
            }
            for (language, values) in fields.languageFields("a") {
                if sources.faqs[index].answers[language] != nil || values.count > 1 {
                    fields.diagnostics.append(.error(fields.location(values[0].1), "FAQ `\(id)` already has an answer in \(language.tag)"))
                    continue
                }
                sources.faqs[index].answers[language] = values[0].0
                sources.faqs[index].displayOnlyLanguages.insert(language)
            }
            for (language, values) in fields.languageFields("q") {
                sources.faqs[index].questions[language, default: []] += values.map(\.0)
            }
            diagnostics += fields.diagnostics
        }
        return diagnostics
    }

    // MARK: - Glossary and phrases

    static func parseGlossary(_ text: String, file: String, into sources: inout KnowledgeSources) -> [Diagnostic] {
        let (records, parseDiagnostics) = RecordParser.parse(text, file: file)
        var diagnostics = parseDiagnostics
        for record in records {
            var fields = Fields(record: record, file: file)
            let id = fields.single("concept") ?? ""
            if !id.isEmpty && !isIdentifier(id, dotted: false) {
                fields.diagnostics.append(.error(fields.start, "concept id `\(id)` must be lowercase letters, digits and -"))
            }
            let role = fields.single("role", required: false)
            if let role, role != "context" { fields.diagnostics.append(.error(fields.start, "`role` can only be `context`")) }
            let terms = termFields(&fields, except: ["concept", "role"])
            if terms.isEmpty { fields.diagnostics.append(.error(fields.start, "concept `\(id)` has no terms")) }
            sources.glossary.append(GlossaryConcept(id: id, terms: terms, location: fields.start, isContext: role == "context"))
            diagnostics += fields.diagnostics
        }
        return diagnostics
    }

    static func parsePhraseSets(_ text: String, file: String, kind: PhraseSet.Kind, into sources: inout KnowledgeSources) -> [Diagnostic] {
        let (records, parseDiagnostics) = RecordParser.parse(text, file: file)
        var diagnostics = parseDiagnostics
        let idKey = kind.rawValue
        for record in records {
            var fields = Fields(record: record, file: file)
            let id = fields.single(idKey) ?? ""
            if !id.isEmpty && !isIdentifier(id, dotted: false) {
                fields.diagnostics.append(.error(fields.start, "\(idKey) id `\(id)` must be lowercase letters, digits and -"))
            }
            var priority: String? = nil
            if kind == .trigger {
                priority = fields.single("priority")
                if let p = priority, p != "urgent" && p != "high" {
                    fields.diagnostics.append(.error(fields.start, "priority must be `urgent` or `high`"))
                }
            }
            let phrases = termFields(&fields, except: [idKey, "priority"])
            if phrases.isEmpty { fields.diagnostics.append(.error(fields.start, "\(idKey) `\(id)` has no phrases")) }
            sources.phraseSets.append(PhraseSet(kind: kind, id: id, priority: priority, phrases: phrases, location: fields.start))
            diagnostics += fields.diagnostics
        }
        return diagnostics
    }

    /// `<lang>: a, b, c` lines.
    private static func termFields(_ fields: inout Fields, except: Set<String>) -> [Language: [String]] {
        var terms: [Language: [String]] = [:]
        for field in fields.record.fields where !except.contains(field.key) {
            guard let language = Language(tag: field.key), language.tag == field.key else {
                fields.diagnostics.append(.error(fields.location(field.line), "unknown key `\(field.key)` (expected a language tag)"))
                continue
            }
            let values = field.value.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
            terms[language, default: []].append(contentsOf: values)
        }
        return terms
    }
}
