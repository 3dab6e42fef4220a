import Testing
import VigilCore
@testable import VigilDashboards

@Suite("Export requests are bounded")
struct ExportRequestLimitTests {
    func request(_ variables: [(String, String)]) throws -> DashboardExporter.Request {
        let dashboard = try DashboardExporterTests.dashboard([])
        return try DashboardExporter.Request(dashboard: dashboard, projectID: 1, from: nil, to: nil, variables: variables,
                                             nowMillis: 1_795_946_400_000, describe: { "query parameter \($0)=" })
    }

    @Test("at most 64 variables and 100 values of one; the refusal names the parameter and the limit")
    func limits() throws {
        let most = (0..<64).map { ("v\($0)", "x") } + (0..<99).map { ("v0", "value \($0)") }
        let taken = try request(most)
        #expect(taken.selections.count == 64)
        #expect(taken.selections["v0"] == .values(["x"] + (0..<99).map { "value \($0)" }))

        let tooMany = #expect(throws: VigilError.self) { try request((0..<65).map { ("v\($0)", "x") }) }
        #expect(tooMany?.code == .invalidInput)
        #expect(tooMany?.message.contains("var-*") == true && tooMany?.message.contains("64") == true)

        let tooLong = #expect(throws: VigilError.self) { try request((0..<101).map { ("model", "m\($0)") }) }
        #expect(tooLong?.message.contains("var-model") == true && tooLong?.message.contains("100") == true)
    }
}
