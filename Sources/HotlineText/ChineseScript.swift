import COpenCC
import Foundation

/// Traditional → Simplified folding for Chinese, and the counts that tell the two scripts apart.
///
/// ICU's `Traditional-Simplified` transliterator is applied once, at start-up, to every CJK
/// ideograph; the result is kept as a per-character table. Folding a question is then a table
/// look-up per character, and only characters that really are Traditional are touched
/// (the analyser must not spend its time on the Simplified text most callers send).
public struct ChineseScriptTable: Sendable {
    private let base: UInt32 = 0x3400
    private let limit: UInt32 = 0xA000
    /// Simplified scalar for each Traditional one in [base, limit); 0 where the character is
    /// unchanged.
    private let simplified: [UInt32]
    /// Characters that exist only in the Simplified script (the image of the table).
    private let simplifiedOnly: Set<UInt32>

    /// Builds the table with ICU (≈ 20 ms); build it once per process and share it.
    public init() {
        guard let transliterator = Transliterator(id: "Traditional-Simplified") else {
            simplified = []
            simplifiedOnly = []
            return
        }
        var input = String.UnicodeScalarView()
        var codes: [UInt32] = []
        for v in base..<limit {
            guard let scalar = Unicode.Scalar(v) else { continue }
            input.append(scalar)
            input.append("\n")
            codes.append(v)
        }
        let output = transliterator.transliterate(String(input)).split(separator: "\n", omittingEmptySubsequences: false)
        var table = [UInt32](repeating: 0, count: Int(limit - base))
        var images = Set<UInt32>()
        for (index, code) in codes.enumerated() where index < output.count {
            let scalars = Array(output[index].unicodeScalars)
            guard scalars.count == 1, scalars[0].value != code else { continue }
            table[Int(code - base)] = scalars[0].value
            images.insert(scalars[0].value)
        }
        let (low, high) = (base, limit)
        simplified = table
        simplifiedOnly = images.filter { $0 >= low && $0 < high && table[Int($0 - low)] == 0 }
    }

    /// The Simplified form of a character (itself when it is not Traditional).
    @inline(__always)
    public func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let v = scalar.value
        guard v >= base, v < limit, !simplified.isEmpty else { return scalar }
        let mapped = simplified[Int(v - base)]
        return mapped == 0 ? scalar : Unicode.Scalar(mapped)!
    }

    /// Whether a character is Traditional-only.
    @inline(__always)
    public func isTraditional(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        guard v >= base, v < limit, !simplified.isEmpty else { return false }
        return simplified[Int(v - base)] != 0
    }

    /// Whether a character is Simplified-only.
    public func isSimplified(_ scalar: Unicode.Scalar) -> Bool { simplifiedOnly.contains(scalar.value) }

    /// Folds every Traditional character of `text`; returns `text` itself when none is.
    public func fold(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isTraditional) else { return text }
        var result = String.UnicodeScalarView()
        result.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars { result.append(fold(scalar)) }
        return String(result)
    }
}

/// Simplified → Traditional conversion for showing Simplified-only content to callers who write
/// Traditional: OpenCC's `s2hk` (Hong Kong character forms, from Debian's libopencc) — characters
/// and HK variants, not vocabulary (the glossary bridges 人工, 老細, 差佬 …). Falls back to ICU's
/// `Simplified-Traditional` when OpenCC's data is missing. Not thread-safe: each renderer owns one.
public final class TraditionalChineseConverter {
    private let openCC: opencc_t?
    private let transliterator: Transliterator?

    public init() {
        let handle = opencc_open("s2hk.json")
        if let handle, Int(bitPattern: handle) != -1 {
            openCC = handle
            transliterator = nil
        } else {
            openCC = nil
            transliterator = Transliterator(id: "Simplified-Traditional")
        }
    }

    deinit { if let openCC { opencc_close(openCC) } }

    /// Whether Hong Kong forms (OpenCC) are in use rather than the ICU fallback.
    public var usesHongKongForms: Bool { openCC != nil }

    public func convert(_ text: String) -> String {
        guard let openCC else { return transliterator?.transliterate(text) ?? text }
        return text.withCString { input in
            guard let output = opencc_convert_utf8(openCC, input, strlen(input)) else { return text }
            defer { opencc_convert_utf8_free(output) }
            return String(cString: output)
        }
    }
}
