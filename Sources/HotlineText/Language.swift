/// The languages LegalHotline knows how to analyse and answer in.
///
/// Tags are BCP 47. Callers send regional variants (`zh-Hant-HK`, `zh-CN`, `en-GB`, `fr-CA`);
/// ``Language/init(tag:)`` folds them onto the language we keep content for.
public enum Language: String, CaseIterable, Sendable, Codable, Hashable {
    case simplifiedChinese = "zh-Hans"
    case traditionalChinese = "zh-Hant"
    case english = "en"
    case french = "fr"
    case spanish = "es"
    case german = "de"
    case portuguese = "pt"
    case russian = "ru"
    case arabic = "ar"
    case japanese = "ja"
    case korean = "ko"
    case vietnamese = "vi"
    case thai = "th"
    case indonesian = "id"

    /// The BCP 47 tag we write.
    public var tag: String { rawValue }

    /// Parses a BCP 47 tag leniently; `nil` for `auto`, empty or unsupported tags.
    public init?(tag rawTag: String) {
        if let exact = Language(rawValue: rawTag) {
            self = exact
            return
        }
        let parts = rawTag.replacing("_", with: "-").split(separator: "-").map { $0.lowercased() }
        guard let primary = parts.first else { return nil }
        switch primary {
        case "zh", "yue", "cmn":
            let rest = Set(parts.dropFirst())
            if rest.contains("hant") || rest.contains("tw") || rest.contains("hk") || rest.contains("mo") || primary == "yue" {
                self = .traditionalChinese
            } else {
                self = .simplifiedChinese
            }
        default:
            guard let language = Language.allCases.first(where: { $0.rawValue == primary }) else { return nil }
            self = language
        }
    }

    /// Chinese in either script.
    public var isChinese: Bool { self == .simplifiedChinese || self == .traditionalChinese }

    /// The Snowball algorithm that stems this language, where one exists.
    var snowballAlgorithm: String? {
        switch self {
        case .english: "english"
        case .french: "french"
        case .spanish: "spanish"
        case .german: "german"
        case .portuguese: "portuguese"
        case .russian: "russian"
        case .arabic: "arabic"
        case .indonesian: "indonesian"
        default: nil
        }
    }
}
