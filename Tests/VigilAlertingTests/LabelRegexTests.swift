import Testing
import VigilAlerting
import VigilCore

@Suite("Silence regular expressions")
struct LabelRegexTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool {
        try LabelRegex(pattern).matches(text)
    }

    @Test("RE2 syntax a label needs, anchored at both ends")
    func syntax() throws {
        let cases: [(String, String, Bool)] = [
            ("HighLatency.*", "HighLatencyP95", true), ("HighLatency.*", "xHighLatency", false),
            ("prod|staging", "staging", true), ("prod|staging", "prodx", false),
            ("gpt-4o(-mini)?", "gpt-4o-mini", true), ("gpt-4o(-mini)?", "gpt-4o-max", false),
            ("[a-z]+-[0-9]{2,3}", "eu-123", true), ("[a-z]+-[0-9]{2,3}", "eu-1234", false),
            ("[^x]*", "abc", true), ("[^x]*", "axc", false),
            (#"\d+\.\d+"#, "1.25", true), (#"\w+"#, "a_b9", true), (#"\s"#, " ", true),
            ("(?i)chat", "CHAT", true), ("(?i:a)b", "Ab", true), ("(?i:a)b", "AB", false),
            ("(?P<name>a)(?:b)", "ab", true), ("[[:digit:]]+", "42", true), ("[[:^digit:]]", "4", false),
            ("a{3}", "aaa", true), ("a{3}", "aa", false), ("a{2,}", "aaaaa", true), ("a*?", "aa", true),
            ("", "", true), ("", "a", false), ("^a$", "a", true), (".", "\n", false), ("(?s).", "\n", true),
            ("x{", "x{", true), ("é+", "éé", true),
        ]
        for (pattern, text, expected) in cases {
            let result = try matches(pattern, text)
            #expect(result == expected, "\(pattern) on \(text)")
        }
    }

    @Test("patterns that make a backtracking matcher stall answer at once", .timeLimit(.minutes(1)))
    func noBacktracking() throws {
        let text = String(repeating: "a", count: 50_000) + "!"
        for pattern in ["(a+)+", "(a*)*", "(a|a)*", "(a|aa)+", ".*.*.*.*.*.*.*.*b", "(x+x+)+y"] {
            let started = ContinuousClock.now
            let result = try matches(pattern, text)
            #expect(result == false, "\(pattern)")
            #expect(ContinuousClock.now - started < .seconds(5), "\(pattern)")
        }
        let result = try matches("(a+)+!", text)
        #expect(result)
    }

    @Test("refused: longer than 1024 characters, backreferences, lookaround, bad syntax, huge repetitions")
    func refusals() throws {
        for pattern in [
            String(repeating: "a", count: 1025), #"(a)\1"#, "(?=a)", "(?<!a)b", #"\bword"#, "(unclosed", "a)", "*a", "a**",
            "[z-a]", "[abc", "a{1001}", "(a{1000}){1000}", "(?m)a", #"\p{L}"#, String(repeating: "(", count: 101) + String(repeating: ")", count: 101),
        ] {
            #expect(throws: LabelRegex.SyntaxError.self, "\(pattern.prefix(40))") { try LabelRegex(pattern) }
        }
        let longest = try LabelRegex(String(repeating: "a", count: 1024))
        #expect(longest.matches(String(repeating: "a", count: 1024)))
    }

    @Test("a silence with a refused pattern matches nothing; a legitimate one still silences")
    func silence() {
        let labels = LabelSet(["alertname": "HighLatency", "model": "gpt-4o"])
        let good = Silence.Matcher(name: "alertname", value: "High.*", isRegex: true)
        #expect(good.regexProblem == nil)
        #expect(good.matches(labels) == true)
        let negated = Silence.Matcher(name: "model", value: "claude.*", isRegex: true, isEqual: false)
        #expect(negated.matches(labels) == true)
        let bad = Silence.Matcher(name: "alertname", value: #"(a)\1"#, isRegex: true)
        #expect(bad.regexProblem?.contains("backreference") == true)
        #expect(bad.matches(labels) == nil)
        #expect(Silence(matchers: [bad], startsAtMicros: 0, endsAtMicros: .max).silences(labels, atMicros: 1) == false)
    }
}
