/// Function words that carry no legal meaning. They are dropped from the token stream (in the
/// index and in questions alike): with a few hundred FAQs their IDF is not low enough to keep
/// "了", "吗" or "the" from deciding which FAQ looks closest.
enum Stopwords {
    static let chinese: Set<String> = [
        "的", "了", "吗", "吧", "呢", "啊", "呀", "嘛", "哦", "哈", "么", "着", "过", "地", "得",
        "我", "你", "他", "她", "它", "我们", "你们", "他们", "她们", "咱", "咱们", "自己", "您",
        "是", "在", "有", "没", "没有", "有没有", "就", "都", "也", "还", "又", "再", "才", "已经", "还是",
        "要", "想", "能", "会", "可以", "可", "能不能", "可不可以", "是不是", "会不会", "要不要", "应该", "需要",
        "怎么", "怎么办", "怎样", "怎么样", "如何", "什么", "啥", "咋", "咋办", "为什么", "哪", "哪里", "哪些", "多少", "几",
        "去", "来", "跟", "和", "与", "及", "或", "或者", "把", "被", "给", "让", "对", "向", "从", "到", "为", "以",
        "这", "那", "这个", "那个", "这样", "那样", "这种", "个", "些", "一", "一个", "一下", "不", "很", "太", "最",
        "请问", "请", "问", "一般", "现在", "然后", "但是", "但", "所以", "因为", "如果", "而且", "就是", "还有",
        "之", "其", "该", "等", "即", "并", "则",
        "嘅", "咗", "唔", "係", "冇", "佢", "喺", "啲", "嘢", "點", "乜", "咩", "噉", "呢個", "嗰", "俾", "畀", "同", "啦", "囉", "喎", "㗎",
        "邊度", "點樣", "點算", "幾多", "幾耐", "係咪", "有冇", "使唔使", "啱唔啱", "哋", "佢哋", "我哋", "你哋", "而家", "依家", "咁", "先", "緊", "晒",
    ]
    static let english: Set<String> = [
        "a", "an", "the", "i", "me", "my", "we", "our", "you", "your", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their",
        "is", "am", "are", "was", "were", "be", "been", "being", "do", "does", "did", "have", "has", "had",
        "can", "could", "will", "would", "should", "shall", "may", "might", "must",
        "what", "how", "why", "when", "where", "who", "which", "whom",
        "to", "of", "in", "on", "at", "for", "with", "by", "from", "about", "as", "into", "if", "or", "and", "but", "so", "than", "then",
        "this", "that", "these", "those", "there", "here", "any", "some", "just", "also", "very", "too", "please", "get", "got",
        "i'm", "it's", "don't", "can't", "won't", "doesn't", "didn't", "isn't", "what's",
    ]
    static let french: Set<String> = [
        "le", "la", "les", "un", "une", "des", "du", "de", "d", "l", "au", "aux", "et", "ou", "mais", "donc", "que", "qui", "quoi",
        "je", "tu", "il", "elle", "on", "nous", "vous", "ils", "elles", "me", "te", "se", "moi", "toi", "lui", "leur",
        "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre", "votre", "nos", "vos",
        "est", "suis", "es", "sont", "être", "ai", "as", "a", "avons", "avez", "ont", "avoir", "fait", "faire",
        "ce", "cet", "cette", "ces", "dans", "sur", "pour", "par", "avec", "sans", "en", "y", "ne", "pas", "plus",
        "comment", "pourquoi", "quand", "où", "est-ce", "puis-je", "peut", "peux", "dois", "doit",
    ]
    static let spanish: Set<String> = [
        "el", "la", "los", "las", "un", "una", "unos", "unas", "de", "del", "al", "y", "o", "que", "qué", "en", "a", "por", "para", "con",
        "sin", "mi", "mis", "tu", "su", "sus", "me", "te", "se", "le", "lo", "yo", "él", "ella", "es", "son", "está", "estoy", "ser",
        "hay", "he", "ha", "cómo", "como", "puedo", "puede", "no", "sí", "muy", "más",
    ]
    static let german: Set<String> = [
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "und", "oder", "ich", "du", "er", "sie", "es", "wir",
        "mein", "meine", "meinen", "ist", "bin", "sind", "hat", "habe", "kann", "mit", "für", "von", "zu", "auf", "in", "nicht", "was", "wie",
    ]
    static let portuguese: Set<String> = [
        "o", "a", "os", "as", "um", "uma", "de", "do", "da", "dos", "das", "e", "ou", "que", "em", "no", "na", "por", "para", "com",
        "meu", "minha", "eu", "ele", "ela", "é", "sou", "estou", "tem", "tenho", "posso", "pode", "não", "como",
    ]
    static let russian: Set<String> = [
        "и", "в", "во", "не", "что", "он", "на", "я", "с", "со", "как", "а", "то", "все", "она", "так", "его", "но", "да", "ты", "к", "у",
        "же", "вы", "за", "бы", "по", "мне", "меня", "мой", "моя", "мои", "ли", "если", "или", "это", "можно", "ли",
    ]

    static let indonesian: Set<String> = [
        "yang", "dan", "di", "ke", "dari", "ini", "itu", "untuk", "dengan", "atau", "pada", "juga", "saja", "ada", "akan",
        "sudah", "apa", "bagaimana", "gimana", "kalau", "kalo", "bisa", "tidak", "gak", "nggak", "ga", "saya", "aku", "kami",
        "kita", "dia", "mereka", "nya", "lah", "kah", "pun", "tolong", "mohon", "ya", "sih", "dong", "kok", "tapi",
    ]

    /// Stopwords of spaced scripts. Chinese ones are checked in their folded form by
    /// ``AnalyzerResources/isChineseStopword(_:)``, never against this raw list.
    static func contains(_ word: String, language: Language) -> Bool {
        switch language {
        case .english: english.contains(word)
        case .french: french.contains(word)
        case .spanish: spanish.contains(word)
        case .german: german.contains(word)
        case .portuguese: portuguese.contains(word)
        case .russian: russian.contains(word)
        case .indonesian: indonesian.contains(word)
        default: false
        }
    }
}
