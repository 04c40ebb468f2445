import Foundation
import HotlineText

/// Reads a bureau's own data in the JSON Lines formats of the import contract: one object per
/// line, unknown fields ignored, every malformed line reported with its file and line.
public enum Importer {
    /// A JSON Lines input: a file path, or `-` for standard input.
    public static func readLines(_ path: String) throws -> (name: String, data: Data) {
        if path == "-" { return ("<stdin>", FileHandle.standardInput.readDataToEndOfFile()) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(message: "cannot read \(path)")
        }
        return (path, data)
    }

    public struct ImportError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Calls `body` with each non-empty line's JSON object and location.
    static func forEachObject(_ data: Data, name: String, diagnostics: inout [Diagnostic], _ body: ([String: Any], SourceLocation, inout [Diagnostic]) -> Void) {
        var lineNumber = 0
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                let location = SourceLocation(file: name, line: lineNumber)
                let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                if line.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) {
                    if let object = (try? JSONSerialization.jsonObject(with: Data(line), options: [])) as? [String: Any] {
                        body(object, location, &diagnostics)
                    } else {
                        diagnostics.append(.error(location, "not a JSON object"))
                    }
                }
                if end >= bytes.count { break }
                start = end + 1
            }
        }
    }

    /// `{"law", "law_en", "article", "label", "text", "sub"?, "version"?, "effective"?, "repealed"?}`.
    public static func statutes(_ data: Data, name: String) -> ([StatuteArticle], [Diagnostic]) {
        var articles: [StatuteArticle] = []
        var diagnostics: [Diagnostic] = []
        forEachObject(data, name: name, diagnostics: &diagnostics) { object, location, diagnostics in
            guard let law = object["law"] as? String, !law.isEmpty else {
                diagnostics.append(.error(location, "missing `law`")); return
            }
            guard let article = integer(object["article"]), article > 0 else {
                diagnostics.append(.error(location, "`article` must be a positive integer")); return
            }
            guard let text = object["text"] as? String, !text.isEmpty else {
                diagnostics.append(.error(location, "missing `text`")); return
            }
            var sub: Int? = nil
            if let value = object["sub"], !(value is NSNull) {
                guard let s = integer(value), s > 0 else { diagnostics.append(.error(location, "`sub` must be a positive integer")); return }
                sub = s
            }
            var dates: [String: String] = [:]
            for key in ["version", "effective", "repealed"] {
                guard let value = object[key], !(value is NSNull) else { continue }
                guard let date = value as? String, SourceLoader.isISODate(date) else {
                    diagnostics.append(.error(location, "`\(key)` must be a YYYY-MM-DD date")); return
                }
                dates[key] = date
            }
            let label = (object["label"] as? String) ?? "第\(article)条"
            articles.append(StatuteArticle(
                reference: StatuteReference(law: law, article: article, sub: sub), label: label,
                englishLawTitle: object["law_en"] as? String, summaryChinese: nil, summaryEnglish: nil,
                officialText: text, effective: dates["effective"], version: dates["version"], repealed: dates["repealed"],
                location: location
            ))
        }
        return (articles, diagnostics)
    }

    /// `{"id", "topic", "question": {lang: text | [text]}, "answer": {lang: text}, "citations": [{"law", "article", "sub"?}]}`.
    public static func faqs(_ data: Data, name: String) -> ([FAQ], [Diagnostic]) {
        var faqs: [FAQ] = []
        var diagnostics: [Diagnostic] = []
        forEachObject(data, name: name, diagnostics: &diagnostics) { object, location, diagnostics in
            guard let id = object["id"] as? String, !id.isEmpty else { diagnostics.append(.error(location, "missing `id`")); return }
            let topic = (object["topic"] as? String) ?? "services"
            guard let questionObject = object["question"] as? [String: Any] else {
                diagnostics.append(.error(location, "`question` must be an object of language → text or list")); return
            }
            // Tags in sorted order, and two tags for one language are an error: the build must
            // not depend on dictionary order.
            var questions: [Language: [String]] = [:]
            var questionTags: [Language: String] = [:]
            for (tag, value) in questionObject.sorted(by: { $0.key < $1.key }) {
                guard let language = Language(tag: tag) else { continue }
                if let other = questionTags[language] {
                    diagnostics.append(.error(location, "question tags `\(other)` and `\(tag)` are the same language")); return
                }
                questionTags[language] = tag
                if let text = value as? String { questions[language, default: []].append(text) }
                else if let list = value as? [Any] { questions[language, default: []].append(contentsOf: list.compactMap { $0 as? String }) }
                else { diagnostics.append(.error(location, "question in \(tag) must be text or a list of text")); return }
            }
            guard !questions.isEmpty else { diagnostics.append(.error(location, "no question in a supported language")); return }
            var answers: [Language: String] = [:]
            var answerTags: [Language: String] = [:]
            if let answerObject = object["answer"] as? [String: Any] {
                for (tag, value) in answerObject.sorted(by: { $0.key < $1.key }) {
                    guard let language = Language(tag: tag), let text = value as? String else { continue }
                    if let other = answerTags[language] {
                        diagnostics.append(.error(location, "answer tags `\(other)` and `\(tag)` are the same language")); return
                    }
                    answerTags[language] = tag
                    answers[language] = text
                }
            }
            var citations: [StatuteReference] = []
            for case let citation as [String: Any] in (object["citations"] as? [Any]) ?? [] {
                guard let law = citation["law"] as? String, let article = integer(citation["article"]), article > 0 else {
                    diagnostics.append(.error(location, "a citation needs `law` and a positive whole `article`")); return
                }
                var sub: Int? = nil
                if let value = citation["sub"], !(value is NSNull) {
                    guard let s = integer(value), s > 0 else { diagnostics.append(.error(location, "a citation's `sub` must be a positive whole number")); return }
                    sub = s
                }
                citations.append(StatuteReference(law: law, article: article, sub: sub))
            }
            faqs.append(FAQ(id: id, topic: topic, questions: questions, answers: answers, citations: citations, location: location, imported: true))
        }
        return (faqs, diagnostics)
    }

    /// A whole number: not a fraction, not a boolean (JSONSerialization gives both as NSNumber).
    private static func integer(_ value: Any?) -> Int? {
        switch value {
        case let n as NSNumber:
            if n.objCType.pointee == CChar(UInt8(ascii: "c")) { return nil } // a boolean
            let double = n.doubleValue
            guard double == double.rounded(), abs(double) < 1e15 else { return nil }
            return Int(double)
        case let s as String: return Int(s)
        default: return nil
        }
    }
}
