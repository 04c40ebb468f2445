import CLanguageID

/// A detected language, and whether the text gave enough evidence to answer in it without asking.
public struct LanguageIdentification: Sendable, Equatable {
    /// The best guess.
    public var language: Language
    /// False for short Latin-script text that CLD2 cannot place and whose function words and
    /// letters point to no one language ("abogado gratis", "hello", "gia han visa"): the caller
    /// should be asked which language to answer in rather than guessed at.
    public var isCertain: Bool
    /// When uncertain, the languages to offer, best guess first.
    public var candidates: [Language]
}

/// Identifies the language of a question: by its scripts first (Chinese, Japanese, Korean, Thai,
/// Arabic, Cyrillic, Vietnamese letters), then, for other Latin text, with CLD2 (Debian's
/// libcld2); when CLD2 is unsure (short text), by the language's most common function words and
/// letters.
///
/// Good enough to pick the stemmer and the answer language; a caller who names a language
/// (`--lang`, the gateway's tag) always wins over detection.
struct LanguageDetector {
    let chinese: ChineseScriptTable

    private static let latinHints: [(Language, Set<String>)] = [
        (.french, ["le", "la", "les", "des", "est", "une", "je", "mon", "ma", "mes", "pas", "que", "qui", "pour", "avec", "dans", "sur", "et", "du", "au", "aux", "il", "elle", "ne", "suis", "ai", "comment", "quoi", "puis-je", "mais", "votre", "notre", "ce", "cette", "l", "d", "j", "qu"]),
        (.spanish, ["el", "los", "las", "es", "mi", "mis", "por", "para", "con", "una", "y", "del", "que", "cómo", "como", "qué", "puedo", "tengo", "me", "no", "está", "estoy", "mi", "su", "pero", "sin", "muy"]),
        (.german, ["der", "die", "das", "und", "ich", "nicht", "ist", "mein", "meine", "ein", "eine", "mit", "für", "von", "zu", "wie", "was", "kann", "habe", "auf", "mir", "mich", "wird", "bei", "oder"]),
        (.portuguese, ["o", "os", "as", "é", "meu", "minha", "não", "com", "uma", "um", "do", "da", "dos", "das", "em", "para", "por", "que", "como", "posso", "tenho", "você", "ele", "ela", "sou", "estou", "mas"]),
        (.indonesian, ["saya", "aku", "tidak", "yang", "dan", "di", "ke", "dari", "ini", "itu", "apa", "bagaimana", "bisa", "ada", "dengan", "untuk", "sudah", "belum", "kalau", "gimana", "gak", "nggak", "mau", "harus", "bos", "gaji", "saja", "juga"]),
        // Vietnamese typed without its diacritics (when it has them, its letters decide).
        (.vietnamese, ["toi", "minh", "khong", "duoc", "bi", "cua", "nguoi", "lam", "gi", "sao", "nao", "phai", "bao", "nhieu", "cong", "ty", "luong", "tien", "anh", "chi", "voi", "cho", "han", "mat", "thoi", "tiet", "mai", "gia", "qua", "chieu"]),
        (.english, ["the", "a", "an", "is", "my", "i", "not", "to", "of", "and", "in", "for", "with", "what", "how", "can", "do", "does", "me", "he", "she", "it", "are", "was", "have", "has", "if", "on", "at", "be", "will", "should", "who", "where", "when", "get", "want"]),
    ]

    func detect(_ normalized: String) -> Language { identify(normalized).language }

    func identify(_ normalized: String) -> LanguageIdentification {
        func certain(_ language: Language) -> LanguageIdentification { LanguageIdentification(language: language, isCertain: true, candidates: [language]) }
        var han = 0, kana = 0, hangul = 0, thai = 0, cyrillic = 0, arabic = 0, latin = 0
        var traditional = 0, simplified = 0, vietnameseMarks = 0
        for scalar in normalized.unicodeScalars {
            switch ScriptClass(scalar) {
            case .han:
                han += 1
                if chinese.isTraditional(scalar) { traditional += 1 } else if chinese.isSimplified(scalar) { simplified += 1 }
            case .kana: kana += 1
            case .hangul: hangul += 1
            case .thai: thai += 1
            case .cyrillic: cyrillic += 1
            case .arabic: arabic += 1
            case .latin:
                latin += 1
                if Self.isVietnameseLetter(scalar) { vietnameseMarks += 1 }
            default: break
            }
        }
        if kana > 0 && kana * 5 >= han { return certain(.japanese) }
        if hangul > 0 && hangul >= han { return certain(.korean) }
        if thai > 0 && thai >= latin { return certain(.thai) }
        if arabic > 0 && arabic >= latin { return certain(.arabic) }
        if cyrillic > 0 && cyrillic >= latin { return certain(.russian) }
        if han > 0 && han * 2 >= latin {
            if kana > 0 { return certain(.japanese) }
            return certain(traditional > simplified ? .traditionalChinese : .simplifiedChinese)
        }
        if latin == 0 {
            if han > 0 { return certain(traditional > simplified ? .traditionalChinese : .simplifiedChinese) }
            return certain(.english)
        }
        if vietnameseMarks >= 2 { return certain(.vietnamese) }
        let evidence = latinEvidence(normalized)
        if let identified = Self.cld2(normalized) {
            // On a few words CLD2 can be sure and wrong ("placar do flamengo" → English): in short
            // text its language must also lead on function words, unless there are none.
            // (No function word at all is no contradiction.)
            let own = evidence[identified] ?? 0
            let others = evidence.filter { $0.key != identified }.values.max() ?? 0
            if normalized.unicodeScalars.count >= 20 || own > others || (own == 0 && others == 0) { return certain(identified) }
        }
        return identifyLatin(evidence)
    }

    /// CLD2's answer when it is confident and names a language we serve in Latin script.
    static func cld2(_ text: String) -> Language? {
        var code = [CChar](repeating: 0, count: 16)
        var reliable: Int32 = 0
        let percent = text.utf8CString.withUnsafeBufferPointer { bytes in
            hl_cld2_detect(bytes.baseAddress, Int32(bytes.count - 1), &code, Int32(code.count), &reliable)
        }
        guard reliable == 1 || percent >= 80 else { return nil }
        switch String(cString: code) {
        case "en": return .english
        case "fr": return .french
        case "es": return .spanish
        case "pt", "pt-PT", "pt-BR": return .portuguese
        case "de": return .german
        case "id", "ms": return .indonesian
        case "vi": return .vietnamese
        default: return nil
        }
    }

    /// The Latin-script languages a caller can be offered, in the order shown when the text gives
    /// no clue at all.
    static let offeredLatinLanguages: [Language] = [.english, .french, .spanish, .portuguese, .indonesian, .vietnamese]

    /// Function words and letters for Latin text CLD2 could not place: certain when the best
    /// language has at least two pieces of evidence and more than any other.
    private func identifyLatin(_ scores: [Language: Int]) -> LanguageIdentification {
        let ranked = scores.sorted { $0.value != $1.value ? $0.value > $1.value : Self.order($0.key) < Self.order($1.key) }
        let (best, bestScore) = ranked[0]
        let runnerUp = ranked.count > 1 ? ranked[1].value : 0
        if bestScore >= 2 && bestScore > runnerUp { return LanguageIdentification(language: best, isCertain: true, candidates: [best]) }
        let guess = bestScore > 0 && bestScore > runnerUp ? best : .english
        let offered = Self.offeredLatinLanguages.sorted { (scores[$0] ?? 0, -Self.order($0)) > (scores[$1] ?? 0, -Self.order($1)) }
        return LanguageIdentification(language: guess, isCertain: false, candidates: [guess] + offered.filter { $0 != guess })
    }

    /// Per language: how many of the text's words are its function words, plus its telltale letters.
    private func latinEvidence(_ text: String) -> [Language: Int] {
        let words = text.split(whereSeparator: { !$0.isLetter && $0 != "-" }).map(String.init)
        var scores: [Language: Int] = [:]
        for (language, hints) in Self.latinHints {
            scores[language] = words.reduce(0) { $0 + (hints.contains($1) ? 1 : 0) } + Self.letterBonus(text, language)
        }
        return scores
    }

    private static func order(_ language: Language) -> Int { offeredLatinLanguages.firstIndex(of: language) ?? offeredLatinLanguages.count }

    private static func letterBonus(_ text: String, _ language: Language) -> Int {
        var bonus = 0
        for scalar in text.unicodeScalars {
            switch (language, scalar) {
            case (.french, "ç"), (.french, "è"), (.french, "ê"), (.french, "à"), (.french, "ù"), (.french, "œ"), (.french, "'"): bonus += 1
            case (.spanish, "ñ"), (.spanish, "¿"), (.spanish, "¡"), (.spanish, "ó"), (.spanish, "í"), (.spanish, "á"): bonus += 1
            case (.german, "ß"), (.german, "ä"), (.german, "ö"), (.german, "ü"): bonus += 1
            case (.portuguese, "ã"), (.portuguese, "õ"), (.portuguese, "ç"): bonus += 1
            default: break
            }
        }
        return bonus
    }

    /// Letters only Vietnamese uses among the Latin-script languages we serve.
    private static func isVietnameseLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1EA0...0x1EF9, 0x0111, 0x01A1, 0x01B0, 0x0103: true
        default: false
        }
    }
}
