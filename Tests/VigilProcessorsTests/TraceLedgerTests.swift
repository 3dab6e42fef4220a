import Testing
@testable import VigilProcessors

@Suite("Trace ledger")
struct TraceLedgerTests {
    let a = TraceLedger.hash(TraceKey(projectID: 1, traceID: "a"))
    let b = TraceLedger.hash(TraceKey(projectID: 1, traceID: "b"))

    @Test("from an empty table at sequence zero it knows every trace written, batch after batch")
    func fromZero() async {
        let ledger = TraceLedger()
        #expect(await ledger.known(after: 0, resets: 1) { true } == [])
        ledger.stage([a])
        ledger.commit(through: 10, resets: 1, after: 0)
        #expect(await ledger.known(after: 10, resets: 1) { Issue.record("not asked after zero"); return true } == [a])
        ledger.stage([b])
        ledger.commit(through: 20, resets: 1, after: 10)
        #expect(await ledger.known(after: 20, resets: 1) { false } == [a, b])
    }

    @Test("it knows nothing when the table was not empty, another runner moved the offset, or a replay reset it")
    func unknown() async {
        let ledger = TraceLedger()
        #expect(await ledger.known(after: 0, resets: 1) { false } == nil, "rows were there at sequence zero")
        #expect(await ledger.known(after: 5, resets: 1) { true } == nil, "started in the middle of the log")
        ledger.stage([a])
        ledger.commit(through: 10, resets: 1, after: 0)
        #expect(await ledger.known(after: 15, resets: 1) { true } == nil, "another process applied 11...15")
        #expect(await ledger.known(after: 10, resets: 2) { true } == nil, "reset since")
        ledger.stage(nil)
        ledger.commit(through: 30, resets: 1, after: 15)
        #expect(await ledger.known(after: 30, resets: 1) { true } == nil, "a batch that did not know stays unknown")
    }

    @Test("a rolled-back batch adds nothing, and past the limit the ledger stops")
    func rollBackAndLimit() async {
        let ledger = TraceLedger(limit: 1)
        _ = await ledger.known(after: 0, resets: 1) { true }
        ledger.stage([a])
        ledger.rollBack()
        ledger.commit(through: 10, resets: 1, after: 0)
        #expect(await ledger.known(after: 10, resets: 1) { true } == nil, "nothing staged: the batch is taken as not knowing")
        let limited = TraceLedger(limit: 1)
        ledger.stage(nil)
        limited.stage([a, b])
        limited.commit(through: 10, resets: 1, after: 0)
        #expect(await limited.known(after: 10, resets: 1) { true } == nil)
    }
}
