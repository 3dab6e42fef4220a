import Logging
import Testing
import VigilEventLog
import VigilTestSupport

@Suite("Lease: one holder across processes")
struct LeaseTests {
    private actor Holders {
        private(set) var names: [String] = []
        func add(_ name: String) { names.append(name) }
    }

    private func waitFor(_ condition: @Sendable () async -> Bool) async throws -> Bool {
        for _ in 0..<1500 {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test("while one holder runs, another waits; when the holder's connection goes, the other takes over")
    func oneAtATime() async throws {
        let test = try await TestDatabase.fresh("lease")
        let key: Int64 = 0x5649_4749_4C00_00F1
        let holders = Holders()
        func holder(_ name: String) -> Task<Void, Never> {
            Task {
                await Lease(key: key, holder: name, retry: .milliseconds(20))
                    .run(database: test.database, backoff: .milliseconds(20), clock: ContinuousClock(), logger: test.logger) { _ in
                        await holders.add(name)
                        try await Task.sleep(for: .seconds(600))
                    }
            }
        }
        let first = holder("first")
        #expect(try await waitFor { await holders.names == ["first"] })
        let second = holder("second")
        // The second tries every 20 ms and is refused while the first holds the lock.
        try await Task.sleep(for: .milliseconds(300))
        #expect(await holders.names == ["first"])
        first.cancel()
        await first.value
        #expect(try await waitFor { await holders.names == ["first", "second"] }, "the second never took over")
        second.cancel()
        await second.value
    }
}
