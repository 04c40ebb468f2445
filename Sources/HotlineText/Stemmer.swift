import CStemmer

/// A Snowball stemmer for one language (libstemmer). Not thread-safe: each analyser owns its own.
final class SnowballStemmer {
    private let stemmer: OpaquePointer

    init?(algorithm: String) {
        guard let s = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        stemmer = s
    }

    deinit { sb_stemmer_delete(stemmer) }

    /// Stems one lower-cased word.
    func stem(_ word: String) -> String {
        var word = word
        return word.withUTF8 { bytes -> String in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return "" }
            guard let out = sb_stemmer_stem(stemmer, base, Int32(bytes.count)) else { return String(decoding: bytes, as: UTF8.self) }
            let length = Int(sb_stemmer_length(stemmer))
            return String(decoding: UnsafeBufferPointer(start: out, count: length), as: UTF8.self)
        }
    }
}
