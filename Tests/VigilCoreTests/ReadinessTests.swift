import Testing
import VigilCore

@Suite("Readiness")
struct ReadinessTests {
    @Test("a registered part is ready until it fails, and ready again after a success")
    func failAndRecover() {
        let board = Readiness()
        board.register("appender", stallLimit: nil)
        #expect(board.problems().isEmpty)
        board.failed("appender", "cannot commit to the event log")
        #expect(board.problems() == ["appender: cannot commit to the event log"])
        board.succeeded("appender")
        #expect(board.problems().isEmpty)
    }

    @Test("a part that reports nothing for longer than its stall limit is stuck; one without a limit may idle")
    func stall() {
        let clock = ContinuousClock()
        let board = Readiness(clock: clock)
        board.register("processor.rollup", stallLimit: .seconds(120))
        board.register("appender", stallLimit: nil)
        let later = clock.now.advanced(by: .seconds(121))
        #expect(board.problems(at: later) == ["processor.rollup: no progress for 121 s"])
        #expect(board.problems(at: clock.now.advanced(by: .seconds(119))).isEmpty)
    }

    @Test("problems are sorted by part, so /readyz reads the same each time")
    func sorted() {
        let board = Readiness()
        board.failed("processor.samples", "b")
        board.failed("appender", "a")
        board.failed("evaluator", "c")
        #expect(board.problems() == ["appender: a", "evaluator: c", "processor.samples: b"])
    }
}
