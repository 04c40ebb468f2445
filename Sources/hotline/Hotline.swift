import ArgumentParser

@main
struct Hotline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline",
        abstract: "LegalHotline: build and check the knowledge base, ask it questions, measure it; manage and talk to hotlined.",
        subcommands: [KnowledgeBaseCommand.self, Ask.self, Evaluate.self, GatewaysCommand.self, LawyersCommand.self, LawyerConsole.self, TicketsCommand.self, PrivacyCommand.self, AuditCommand.self, ReportCommand.self, Chat.self, LoadBench.self]
    )
}

struct KnowledgeBaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "Check, build and benchmark the knowledge base.",
        subcommands: [Check.self, Build.self, Bench.self, Suggest.self]
    )
}
