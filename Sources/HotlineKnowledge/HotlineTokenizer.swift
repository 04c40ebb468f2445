import CSQLite
import HotlineText

/// Registers the analyser as the FTS5 tokenizer `hotline` on a connection, so that the index
/// and the questions can never be analysed differently.
///
/// In documents, text is analysed in full (with `⟦lang⟧` markers choosing the language of each
/// segment). In queries, each quoted phrase is **already** an analysed token (we build every
/// MATCH expression from analysed tokens, never from user text) and passes through unchanged.
enum HotlineTokenizer {
    static let name = "hotline"

    /// Shared, immutable inputs of every tokenizer instance of one connection.
    final class Context {
        let resources: AnalyzerResources
        init(resources: AnalyzerResources) { self.resources = resources }
    }

    /// One FTS5 tokenizer instance: owns its analyser (analysers are single-threaded).
    final class Instance {
        let analyzer: Analyzer
        init(resources: AnalyzerResources) { analyzer = Analyzer(resources: resources) }
    }

    static func register(on connection: SQLiteConnection, resources: AnalyzerResources) throws {
        guard let api = hotline_fts5_api(connection.handle) else {
            throw SQLiteError(code: SQLITE_ERROR, message: "this SQLite has no FTS5")
        }
        let context = Context(resources: resources)
        connection.retain(context)
        var tokenizer = fts5_tokenizer(xCreate: create, xDelete: delete, xTokenize: tokenize)
        let rc = api.pointee.xCreateTokenizer(api, name, Unmanaged.passUnretained(context).toOpaque(), &tokenizer, nil)
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: "cannot register the hotline tokenizer") }
    }

    private static let create: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafePointer<CChar>?>?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Int32 = { context, _, _, out in
        guard let context, let out else { return SQLITE_ERROR }
        let shared = Unmanaged<Context>.fromOpaque(context).takeUnretainedValue()
        let instance = Instance(resources: shared.resources)
        out.pointee = OpaquePointer(Unmanaged.passRetained(instance).toOpaque())
        return SQLITE_OK
    }

    private static let delete: @convention(c) (OpaquePointer?) -> Void = { pointer in
        guard let pointer else { return }
        Unmanaged<Instance>.fromOpaque(UnsafeRawPointer(pointer)).release()
    }

    private typealias TokenCallback = @convention(c) (UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int32, Int32, Int32) -> Int32

    private static let tokenize: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, Int32, TokenCallback?) -> Int32 = { pointer, callbackContext, flags, text, length, emit in
        guard let pointer, let emit else { return SQLITE_ERROR }
        guard let text, length > 0 else { return SQLITE_OK }
        let input = String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self)
        if flags & FTS5_TOKENIZE_QUERY != 0 {
            return emit(callbackContext, 0, text, length, 0, length)
        }
        let instance = Unmanaged<Instance>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
        var rc = SQLITE_OK
        instance.analyzer.forEachIndexedToken(input) { token, colocated in
            var bytes = token.text
            rc = bytes.withUTF8 { utf8 in
                utf8.withMemoryRebound(to: CChar.self) { chars in
                    emit(callbackContext, colocated ? FTS5_TOKEN_COLOCATED : 0, chars.baseAddress, Int32(chars.count), 0, length)
                }
            }
            return rc == SQLITE_OK
        }
        if rc != SQLITE_OK { return rc }
        return SQLITE_OK
    }
}
