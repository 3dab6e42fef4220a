import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

extension PageRouteTests {
    @Test("pages refuse NUL, overlong and out-of-range parameters with a 400 naming them, before any query")
    func hostileParameters() async throws {
        let harness = try await UIHarness.make("uihostile")
        try await harness.application.test(.router) { client in
            let cookie = try await signIn(client, project: "alpha", key: harness.readKey)
            for (uri, mention) in [
                ("/ui/traces?service=%00", "service"),
                ("/ui/drift?feature=%00", "feature"),
                ("/ui/traces?model=\(String(repeating: "m", count: 1025))", "model"),
                ("/ui/traces?min_latency_ms=1e300", "Minimum latency"),
                ("/ui/traces?min_cost_usd=99999999999999999999", "Minimum cost"),
                ("/ui/traces?cursor=-9223372036854775808.0123456789abcdef0123456789abcdef", "cursor"),
                ("/ui?from=9223372036854775807&to=9223372036854775808", "to="),
                ("/ui?from=1969-12-31T00:00:00Z", "from="),
            ] {
                try await client.execute(uri: uri, method: .get, headers: pageHeaders(cookie: cookie)) { response in
                    #expect(response.status == .badRequest, "\(uri.prefix(80))")
                    #expect(text(response).contains(mention), "\(uri.prefix(80))")
                }
            }
        }
    }
}
