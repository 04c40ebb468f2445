/// What the dev sets must keep reaching. The targets are zh-Hans recall@1 ≥ 0.90, every
/// other language with ≥ 20 questions ≥ 0.85, ≥ 0.90 of should-not-answer questions not
/// answered, ≤ 0.10 of answerable questions escalated. The floors are now the targets themselves
/// (the not-answered floor sits above its target, at what we reach); never lower them to pass.
enum DevSetFloors {
    static let simplifiedChineseRecallAt1 = 0.90
    static let otherLanguageRecallAt1 = 0.85
    static let notAnsweredRate = 0.93
    static let answerableEscalatedRate = 0.10
    /// Tests/DevSet/languages, per language: what we reach today (see README), never lowered.
    static let languageRecallAt1: [String: Double] = [
        "fr": 0.85, "es": 0.85, "pt": 0.95, "id": 0.95, "ja": 0.90, "ko": 0.95, "ar": 0.90, "ru": 0.90, "vi": 0.90, "th": 0.90,
        // the code-switched questions, by their dominant language
        "en": 0.85, "zh-Hans": 0.80,
    ]
}
