import Foundation
import HotlineText

/// Every sentence a caller or a lawyer reads, per language, from the `Locales/` directory.
///
/// Files are `Locales/<tag>.txt` with `key: value` lines (`#` comments; `\n` in a value is a line
/// break). `{name}` placeholders are filled by ``text(_:_:_:)``. A key missing in a language
/// falls back along the chain zh-Hant → zh-Hans → en, and every other language → en.
public struct LocaleCatalog: Sendable {
    private var strings: [Language: [String: String]]

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(strings: [Language: [String: String]]) { self.strings = strings }

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
        var template = "{\(key)}"
        for candidate in LocaleCatalog.fallbacks(language) {
            if let found = strings[candidate]?[key] { template = found; break }
        }
        for (name, value) in values { template = template.replacingOccurrences(of: "{\(name)}", with: value) }
        return template
    }

    /// Keys present in English but missing in another language (reported by `hotline kb check`).
    public func missingKeys() -> [(Language, String)] {
        let reference = Set(strings[.english]?.keys ?? [:].keys)
        return strings.flatMap { language, table in reference.subtracting(table.keys).map { (language, $0) } }
            .sorted { ($0.0.rawValue, $0.1) < ($1.0.rawValue, $1.1) }
    }
}
