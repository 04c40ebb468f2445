import CICUFacade

/// Thin Swift wrappers over the ICU facade. Each wrapper owns its ICU object; none is shared
/// between threads (ICU iterators and transliterators are not thread-safe).
enum ICU {
    /// ICU's version, e.g. "72.1": part of the analyser version, because ICU's dictionaries
    /// change how Chinese, Japanese and Thai are segmented.
    static var version: String {
        var buffer = [CChar](repeating: 0, count: 32)
        hl_icu_version(&buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Unicode NFKC case folding (full-width letters and digits become ASCII, case is folded,
    /// compatibility characters are unified).
    static func nfkcCasefold(_ text: String) -> String {
        utf8Transform(text, fallback: text.lowercased()) { hl_nfkc_casefold($0, $1, $2, $3) }
    }

    /// Runs a C function with the UTF-8 convention of the facade (input, length, output,
    /// capacity → bytes written, or the size needed, or -1), growing the output until it fits.
    static func utf8Transform(_ text: String, fallback: @autoclosure () -> String,
                              _ call: (UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<CChar>?, Int32) -> Int32) -> String {
        var source = text
        return source.withUTF8 { input -> String in
            if input.isEmpty { return "" }
            var capacity = input.count * 2 + 16
            while true {
                var output = [UInt8](repeating: 0, count: capacity)
                let written = output.withUnsafeMutableBufferPointer { out in
                    input.withMemoryRebound(to: CChar.self) { inp in
                        out.withMemoryRebound(to: CChar.self) { o in call(inp.baseAddress, Int32(inp.count), o.baseAddress, Int32(capacity)) }
                    }
                }
                if written < 0 { return fallback() }
                if Int(written) <= capacity { return String(decoding: output[0..<Int(written)], as: UTF8.self) }
                capacity = Int(written) + 1
            }
        }
    }
}

/// An ICU word-break iterator; segments are reported as UTF-8 byte ranges.
final class WordBreaker {
    private let breaker: OpaquePointer

    init() {
        guard let breaker = hl_word_breaker_open() else { fatalError("ICU word break iterator unavailable") }
        self.breaker = breaker
    }

    deinit { hl_word_breaker_close(breaker) }

    /// Calls `body` with each word segment (rule status ≥ 100: numbers, letters, kana, ideographs)
    /// of `utf8`, which must stay valid during the call.
    func forEachWord(in utf8: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        guard let base = utf8.baseAddress, !utf8.isEmpty else { return }
        let ok = base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
            hl_word_breaker_set_text(breaker, $0, Int32(utf8.count))
        }
        guard ok else { return }
        var start: Int32 = 0, end: Int32 = 0, status: Int32 = 0
        while hl_word_breaker_next(breaker, &start, &end, &status) {
            if status >= 100 { body(Int(start)..<Int(end)) }
        }
    }
}

/// An ICU transliterator such as `Traditional-Simplified`.
final class Transliterator {
    private let transliterator: OpaquePointer

    init?(id: String) {
        guard let t = hl_transliterator_open(id) else { return nil }
        transliterator = t
    }

    deinit { hl_transliterator_close(transliterator) }

    func transliterate(_ text: String) -> String {
        ICU.utf8Transform(text, fallback: text) { hl_transliterate(transliterator, $0, $1, $2, $3) }
    }
}
