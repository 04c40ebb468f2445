import ArgumentParser
import Foundation
import HotlineText
import HotlineTickets

/// Knowledge-base upkeep from the lawyers' work: questions the bot could not answer and lawyers
/// did, grouped by language, topic and the FAQ the bot thought nearest, become draft FAQ records
/// for an editor to review. Nothing is loaded until a person moves a draft into `faqs/`.
struct Suggest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn frequent lawyer replies into draft FAQ entries for review (personal data masked).",
        discussion: """
        Groups the tickets lawyers answered by language, topic and the bot's nearest FAQ; every \
        group of at least --min-count becomes a draft record in the FAQ source format, with the \
        callers' questions as `q.` variants and the most detailed reply as the `a.` draft, all \
        passed through the same redaction as logs. Drafts name their tickets and are marked for \
        review: an editor rewrites the answer in our own words, adds the zh-Hans and en versions \
        FORMAT.md requires and the citations, then moves it into KnowledgeBase/faqs/.
        """
    )
    @OptionGroup var data: DataDirectoryOption
    @Option(help: "Answered tickets a group needs to become a draft.") var minCount = 3
    @Option(help: "Caller questions quoted per draft.") var questions = 5

    func run() async throws {
        let answered = try await data.existingTicketStore().answeredQuestions()
        struct GroupKey: Hashable { var language: String; var topic: String; var nearest: String }
        let groups = Dictionary(grouping: answered) { GroupKey(language: $0.language, topic: $0.topic ?? "services", nearest: $0.candidates.first ?? "none") }
        let drafts = groups.filter { $0.value.count >= minCount }.sorted { ($0.value.count, $1.key.nearest) > ($1.value.count, $0.key.nearest) }
        print(try operatorText("suggest.header", ["answered": "\(answered.count)", "drafts": "\(drafts.count)", "min": "\(minCount)"]))
        print(try operatorText("suggest.instructions"))
        for (number, (key, members)) in drafts.enumerated() {
            let tickets = members.map { "T\($0.ticket)" }
            print("")
            print(try operatorText("suggest.draft", ["number": "\(number + 1)", "count": "\(members.count)",
                                                     "tickets": tickets.prefix(10).joined(separator: ", ") + (tickets.count > 10 ? ", …" : ""),
                                                     "nearest": key.nearest]))
            print("id: draft.\(key.topic)-\(number + 1)")
            print("topic: \(key.topic)")
            var seen = Set<String>()
            for member in members {
                let question = Suggest.oneLine(Redaction.redact(member.question))
                guard seen.insert(question).inserted else { continue }
                print("q.\(key.language): \(question)")
                if seen.count == questions { break }
            }
            let reply = members.max { $0.reply.count < $1.reply.count }!.reply
            print("a.\(key.language): \(Suggest.oneLine(Redaction.redact(reply)))")
        }
    }

    /// A record value is one line.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
