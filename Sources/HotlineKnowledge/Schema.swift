/// The compiled knowledge base's schema. Plain content tables keep the text inspectable with the
/// `sqlite3` shell (which cannot load our tokenizer); the FTS5 indexes are external-content.
enum Schema {
    /// Part of the content hash: bump it whenever what gets indexed changes, not only the tables
    /// (4: question variants from `translations/` are indexed).
    static let version = "4"

    static let create = """
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE articles(
        id INTEGER PRIMARY KEY,
        statute_id TEXT NOT NULL,
        law TEXT NOT NULL,
        law_en TEXT,
        article INTEGER NOT NULL,
        sub INTEGER,
        label TEXT NOT NULL,
        official_text TEXT,
        effective TEXT,
        version TEXT,
        repealed TEXT,
        is_current INTEGER NOT NULL,
        origin TEXT NOT NULL
    );
    CREATE INDEX articles_by_statute ON articles(statute_id, is_current);
    CREATE TABLE summaries(statute_id TEXT PRIMARY KEY, zh TEXT, en TEXT);
    CREATE TABLE article_search(id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL);
    CREATE VIRTUAL TABLE article_index USING fts5(title, body, content='article_search', content_rowid='id', tokenize='hotline');
    CREATE VIRTUAL TABLE article_vocab USING fts5vocab(article_index, row);
    CREATE TABLE faqs(
        id INTEGER PRIMARY KEY,
        faq_id TEXT NOT NULL UNIQUE,
        topic TEXT NOT NULL,
        questions TEXT NOT NULL,
        answers TEXT NOT NULL,
        citations TEXT NOT NULL,
        origin TEXT NOT NULL
    );
    CREATE TABLE faq_search(id INTEGER PRIMARY KEY, questions TEXT NOT NULL, answers TEXT NOT NULL, cited TEXT NOT NULL);
    CREATE VIRTUAL TABLE faq_index USING fts5(questions, answers, cited, content='faq_search', content_rowid='id', tokenize='hotline');
    CREATE VIRTUAL TABLE faq_vocab USING fts5vocab(faq_index, row);
    CREATE TABLE faq_terms(faq INTEGER NOT NULL, token TEXT NOT NULL, questions INTEGER NOT NULL, answers INTEGER NOT NULL, cited INTEGER NOT NULL);
    CREATE TABLE faq_lengths(faq INTEGER PRIMARY KEY, length INTEGER NOT NULL);
    CREATE TABLE faq_variants(faq INTEGER NOT NULL, kind TEXT NOT NULL, language TEXT NOT NULL, text TEXT NOT NULL, tokens TEXT NOT NULL);
    CREATE TABLE context_concepts(concept TEXT PRIMARY KEY);
    CREATE TABLE lexicon(language TEXT, term TEXT NOT NULL, concept TEXT);
    CREATE TABLE phrases(kind TEXT NOT NULL, set_id TEXT NOT NULL, priority TEXT, language TEXT NOT NULL, phrase TEXT NOT NULL);
    CREATE TABLE laws(title TEXT PRIMARY KEY, title_en TEXT, aliases TEXT NOT NULL, effective TEXT, version TEXT);
    """
}
