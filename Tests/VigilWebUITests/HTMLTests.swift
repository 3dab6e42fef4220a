import Testing
@testable import VigilWebUI

@Suite("HTML builder: everything from data is escaped")
struct HTMLTests {
    @Test("text and attribute values are escaped; names are constants")
    func escaping() {
        let hostile = "<script>alert(\"x\")</script> & 'quoted' \u{0}\u{7}"
        var html = HTML()
        html.element("p", ["title": hostile, "class": "a"], hostile)
        #expect(html.rendered == "<p title=\"&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; \u{FFFD}\u{FFFD}\" class=\"a\">"
            + "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39; \u{FFFD}\u{FFFD}</p>")
        #expect(!html.rendered.contains("<script"))
    }

    @Test("attribute breakouts stay inside the quotes")
    func attributeBreakout() {
        var html = HTML()
        html.empty("input", ["value": "\" onfocus=\"alert(1)\" x=\"", "autofocus": nil, "required": ""])
        #expect(html.rendered == "<input value=\"&quot; onfocus=&quot;alert(1)&quot; x=&quot;\" required=\"\">")
    }

    @Test("nested elements, self-closed SVG elements and unicode")
    func nesting() {
        var html = HTML()
        html.element("svg", ["viewBox": "0 0 10 10"]) { html in
            html.empty("rect", ["x": "1"], selfClosing: true)
            html.element("title", "Größe → ✓")
        }
        #expect(html.rendered == "<svg viewBox=\"0 0 10 10\"><rect x=\"1\"/><title>Größe → ✓</title></svg>")
    }

    @Test("links percent-encode their query values")
    func links() {
        let url = PageURL("/ui/traces", [("service", "chat api&x=<y>"), ("model", nil), ("status", ""), ("range", "24h")])
        #expect(url.description == "/ui/traces?service=chat%20api%26x%3D%3Cy%3E&range=24h")
        #expect(PageURL("/ui").description == "/ui")
    }

    @Test("form bodies decode + and percent escapes, and refuse broken ones")
    func forms() throws {
        let form = try #require(FormBody("project=my+app&key=vgl_a%2Fb&empty=&project=second"))
        #expect(form["project"] == "my app")
        #expect(form["key"] == "vgl_a/b")
        #expect(form["empty"] == "")
        #expect(form["missing"] == nil)
        #expect(FormBody("key=%zz") == nil)
        #expect(FormBody("key=%ff%fe") == nil, "not UTF-8")
    }
}
