import Testing
import VigilAlerting

@Suite("Annotation templates")
struct AnnotationTemplateTests {
    let labels: LabelSet = ["service": "chat", "model": "gpt-4o", "alertname": "ChatLatencyHigh"]

    @Test("placeholders are filled from the value and the labels")
    func render() throws {
        let template = try AnnotationTemplate("p95 of {{ $labels.service }} ({{.Labels.model}}) is {{ $value }} ms; {{ $labels.missing }}.")
        #expect(template.render(value: 2345.5, labels: labels) == "p95 of chat (gpt-4o) is 2345.5 ms; .")
        #expect(template.render(value: nil, labels: labels) == "p95 of chat (gpt-4o) is  ms; .")
    }

    @Test("$value prints as Go's %v prints a float64", arguments: [
        (2000.0, "2000"), (2345.5, "2345.5"), (0.05, "0.05"), (123456.0, "123456"), (1_000_000.0, "1e+06"),
        (1_234_567.0, "1.234567e+06"), (0.0001, "0.0001"), (0.00001, "1e-05"), (-3.25, "-3.25"), (0.0, "0"),
        (1e21, "1e+21"), (Double.infinity, "+Inf"), (Double.nan, "NaN"),
    ])
    func goFormatting(value: Double, expected: String) throws {
        #expect(try AnnotationTemplate("{{ $value }}").render(value: value, labels: [:]) == expected)
    }

    @Test("humanize, humanizePercentage and printf, piped or called")
    func functions() throws {
        func render(_ text: String, _ value: Double) throws -> String {
            try AnnotationTemplate(text).render(value: value, labels: labels)
        }
        #expect(try render("{{ $value | humanize }}", 1_234_567) == "1.235M")
        #expect(try render("{{ humanize $value }}", 0.0025) == "2.5m")
        #expect(try render("{{ $value | humanize }}", 12) == "12")
        #expect(try render("{{ $value | humanizePercentage }}", 0.0512) == "5.12%")
        #expect(try render(#"{{ $value | printf "%.2f" }}"#, 3.14159) == "3.14")
        #expect(try render(#"{{ printf "%.1f×" $value }}"#, 14.44) == "14.4×")
        #expect(try render(#"{{ $value | printf "%d calls" }}"#, 42.9) == "42 calls")
        #expect(try render(#"{{ $labels.service | printf "[%s]" }}"#, 0) == "[chat]")
        #expect(try render(#"{{ $value | printf "100%% of %v" }}"#, 2) == "100% of 2")
    }

    @Test("mistakes are refused with a message", arguments: [
        ("{{ $valu }}", #"unknown variable "$valu" (use $value or $labels.NAME)"#),
        ("{{ $labels.service", "unclosed {{ (no matching }})"),
        ("{{ }}", "empty {{ }}: write {{ $value }} or {{ $labels.NAME }}"),
        ("{{ $value | upper }}", #"unknown function "upper" (use humanize, humanizePercentage or printf)"#),
        (#"{{ $value | printf "%.2f %.2f" }}"#, #"printf format "%.2f %.2f" has more than one %"#),
        (#"{{ $value | printf "%x" }}"#, #"printf format "%x" takes %v, %s, %d, %f, %e or %g"#),
        ("value }}", "}} without a matching {{"),
        ("{{ $labels.9x }}", #""9x" is not a label name"#),
    ])
    func errors(text: String, message: String) {
        #expect(throws: AnnotationTemplate.ParseError.self) { try AnnotationTemplate(text) }
        do {
            _ = try AnnotationTemplate(text)
        } catch {
            #expect(error.message == message)
        }
    }
}
