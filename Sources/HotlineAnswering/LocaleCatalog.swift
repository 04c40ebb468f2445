import Foundation
import HotlineText

/// Every sentence a caller or a lawyer reads, per language, from the `Locales/` directory.
///
/// Files are `Locales/<tag>.txt` with `key: value` lines (`#` comments; `\n` in a value is a line
/// break). `{name}` placeholders are filled by ``text(_:_:_:)``. A key missing in a language
/// falls back along the chain zh-Hant → zh-Hans → en, and every other language → en.
public struct LocaleCatalog: Sendable {
    private var strings: [Language: [String: String]]
    /// Each sentence cut once into literal text and `{name}` placeholders: filling a sentence is
    /// then a few appends (the daemon fills several per answer).
    private var templates: [Language: [String: Template]]

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(strings: [Language: [String: String]]) {
        self.strings = strings
        templates = strings.mapValues { $0.mapValues(Template.init) }
    }

    struct Template: Sendable {
        enum Part: Sendable {
            case literal(String)
            case placeholder(String)
        }

        var parts: [Part] = []

        init(_ text: String) {
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{") {
                guard let close = rest[open...].firstIndex(of: "}") else { break }
                let name = rest[rest.index(after: open)..<close]
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                    parts.append(.literal(String(rest[...open])))
                    rest = rest[rest.index(after: open)...]
                    continue
                }
                if open > rest.startIndex { parts.append(.literal(String(rest[..<open]))) }
                parts.append(.placeholder(String(name)))
                rest = rest[rest.index(after: close)...]
            }
            if !rest.isEmpty { parts.append(.literal(String(rest))) }
        }

        var placeholders: Set<String> {
            Set(parts.compactMap { part in
                if case .placeholder(let name) = part { return name }
                return nil
            })
        }

        func fill(_ values: [String: String]) -> String {
            var result = ""
            for part in parts {
                switch part {
                case .literal(let text): result += text
                case .placeholder(let name): result += values[name] ?? "{\(name)}"
                }
            }
            return result
        }
    }

    public static func load(directory: String) throws -> LocaleCatalog {
        var strings: [Language: [String: String]] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names.sorted() where name.hasSuffix(".txt") {
            let tag = String(name.dropLast(4))
            guard let language = Language(tag: tag), language.tag == tag else {
                throw LoadError(description: "\(directory)/\(name): not a supported language tag")
            }
            guard let data = FileManager.default.contents(atPath: directory + "/" + name), let text = String(data: data, encoding: .utf8) else {
                throw LoadError(description: "\(directory)/\(name): unreadable or not UTF-8")
            }
            var table: [String: String] = [:]
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                guard let colon = trimmed.firstIndex(of: ":") else {
                    throw LoadError(description: "\(directory)/\(name):\(index + 1): expected `key: value`")
                }
                let key = String(trimmed[..<colon])
                let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                table[key] = value.replacingOccurrences(of: "\\n", with: "\n")
            }
            strings[language] = table
        }
        guard strings[.english] != nil else { throw LoadError(description: "\(directory): no en.txt (the fallback of every language)") }
        return LocaleCatalog(strings: strings)
    }

    public var languages: [Language] { strings.keys.sorted { $0.rawValue < $1.rawValue } }

    static func fallbacks(_ language: Language) -> [Language] {
        switch language {
        case .traditionalChinese: [.traditionalChinese, .simplifiedChinese, .english]
        case .english: [.english]
        default: [language, .english]
        }
    }

    /// The sentence `key` in `language`, with `{name}` placeholders filled.
    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        for candidate in LocaleCatalog.fallbacks(language) {
            if let template = templates[candidate]?[key] { return template.fill(values) }
        }
        return "{\(key)}"
    }

    /// Sentences whose `{placeholders}` differ from the English sentence's: (language, key).
    public func placeholderMismatches() -> [(Language, String)] {
        guard let reference = templates[.english] else { return [] }
        var result: [(Language, String)] = []
        for (language, table) in templates where language != .english {
            for (key, template) in table {
                guard let english = reference[key] else { continue }
                if template.placeholders != english.placeholders { result.append((language, key)) }
            }
        }
        return result.sorted { ($0.0.rawValue, $0.1) < ($1.0.rawValue, $1.1) }
    }

    /// Keys present in English but missing in another language (reported by `hotline kb check`).
    public func missingKeys() -> [(Language, String)] {
        let reference = Set(strings[.english]?.keys ?? [:].keys)
        return strings.flatMap { language, table in reference.subtracting(table.keys).map { (language, $0) } }
            .sorted { ($0.0.rawValue, $0.1) < ($1.0.rawValue, $1.1) }
    }
}
