import Foundation
import Testing

/// The `hotline` executable built beside this test bundle (Scripts/test builds every product).
let hotlineBinary: String = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("hotline").path
let hotlineBuilt = FileManager.default.isExecutableFile(atPath: hotlineBinary)

/// Runs the real `hotline` with `stdin`, returning its exit status and output.
func runHotline(_ arguments: [String], stdin: String = "") throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: hotlineBinary)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: repositoryRoot)
    let input = Pipe(), output = Pipe(), errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    input.fileHandleForWriting.write(Data(stdin.utf8))
    try input.fileHandleForWriting.close()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    let err = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
}

@Suite(.enabled(if: hotlineBuilt, "needs the hotline executable (swift build --build-tests)"))
struct CommandLineTests {
    @Test func importReplaceAndJSONLinesWorkEndToEnd() throws {
        let directory = TemporaryDirectory()
        let kb = directory.path + "/kb.sqlite"
        let faqs = """
        {"id": "x.deposit", "topic": "tenancy", "question": {"zh-Hans": ["房东不退押金怎么办", "押金不退"], "en": "My landlord keeps my deposit"}, "answer": {"zh-Hans": "可以协商、调解或起诉。", "en": "Negotiate, mediate or sue."}, "citations": [{"law": "中华人民共和国民法典", "article": 733}, {"law": "不存在的法", "article": 1}]}
        {"id": "x.wages", "topic": "labor", "question": {"zh-Hans": "老板拖欠工资怎么办", "en": "My employer does not pay my wages"}, "answer": {"zh-Hans": "可以投诉或申请仲裁。", "en": "Complain or apply for arbitration."}, "citations": []}
        """
        let build = try runHotline(["kb", "build", "--faqs", "-", "--replace", "--out", kb], stdin: faqs)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.contains("<stdin>:1: warning:"))
        let questions = """
        {"id": "q1", "text": "房東唔還按金點算", "lang": "zh-Hant-HK"}
        {"id": "q2", "text": "Mon patron ne paie pas mon salaire"}
        not json at all
        {"id": "q3", "text": "NEAR( \\" * AND"}

        """
        let ask = try runHotline(["ask", "--kb", kb, "--jsonl"], stdin: questions)
        #expect(ask.status == 0, "\(ask.stderr)")
        let lines = ask.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == 4)
        func firstFAQ(_ line: [String: Any]) -> String? {
            (line["matches"] as? [[String: Any]])?.first { $0["kind"] as? String == "faq" }?["id"] as? String
        }
        #expect(lines[0]["id"] as? String == "q1")
        #expect(lines[0]["lang"] as? String == "zh-Hant")
        #expect(firstFAQ(lines[0]) == "x.deposit")
        #expect(firstFAQ(lines[1]) == "x.wages")
        #expect(lines[2]["error"] != nil)
        #expect(["out_of_scope", "escalate"].contains(lines[3]["decision"] as? String))
    }

    @Test func brokenSourcesFailTheCheckAndTheBuildWithFileAndLine() throws {
        let directory = TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path + "/faqs", withIntermediateDirectories: true)
        try "id: a.b\ntopic: labor\nthis line is broken\n".write(toFile: directory.path + "/faqs/bad.txt", atomically: true, encoding: .utf8)
        let check = try runHotline(["kb", "check", "--sources", directory.path])
        #expect(check.status != 0)
        #expect(check.stdout.contains("bad.txt:3: error"))
        let previous = directory.path + "/kb.sqlite"
        try Data("previous".utf8).write(to: URL(fileURLWithPath: previous))
        let build = try runHotline(["kb", "build", "--sources", directory.path, "--out", previous])
        #expect(build.status != 0)
        #expect(try String(contentsOfFile: previous, encoding: .utf8) == "previous")
    }

    @Test func malformedImportLinesFailTheBuild() throws {
        let directory = TemporaryDirectory()
        let build = try runHotline(["kb", "build", "--statutes", "-", "--out", directory.path + "/kb.sqlite"], stdin: "{\"law\": \"x\", \"article\": 1, \"text\": \"t\"}\n{broken\n")
        #expect(build.status != 0)
        #expect(build.stderr.contains("<stdin>:2: error"))
    }
}
