import HotlineText

/// One `key: value` line of a record (continuation lines already joined).
struct RecordField: Sendable {
    var key: String
    var value: String
    var line: Int
}

/// A block of fields separated from the next by a blank line.
struct Record: Sendable {
    var fields: [RecordField]
    var line: Int { fields.first?.line ?? 0 }
}

/// Splits a KnowledgeBase source file into records (see KnowledgeBase/FORMAT.md).
/// Pure: it never touches the file system, so it is tested with strings.
enum RecordParser {
    static func parse(_ text: String, file: String) -> (records: [Record], diagnostics: [Diagnostic]) {
        var records: [Record] = []
        var diagnostics: [Diagnostic] = []
        var current: [RecordField] = []
        var lineNumber = 0
        func flush() {
            if !current.isEmpty { records.append(Record(fields: current)) }
            current = []
        }
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(rawLine)
            if line.last == "\r" { line = line.dropLast() }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                flush()
                continue
            }
            if line.first == "#" { continue }
            if line.hasPrefix("  ") {
                guard !current.isEmpty else {
                    diagnostics.append(.error(SourceLocation(file: file, line: lineNumber), "continuation line with no field before it"))
                    continue
                }
                current[current.count - 1].value += "\n" + line.dropFirst(2)
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                diagnostics.append(.error(SourceLocation(file: file, line: lineNumber), "expected `key: value`"))
                continue
            }
            let key = String(line[..<colon])
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            guard !key.isEmpty, !key.contains(" ") else {
                diagnostics.append(.error(SourceLocation(file: file, line: lineNumber), "expected `key: value`"))
                continue
            }
            current.append(RecordField(key: key, value: String(value).trimmingWhitespace(), line: lineNumber))
        }
        flush()
        return (records, diagnostics)
    }
}
