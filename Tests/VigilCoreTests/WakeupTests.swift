import Testing
import VigilCore

@Suite("Wakeup")
struct WakeupTests {
    @Test("a ring before the wait is remembered, and many rings fold into one")
    func remembered() async {
        let bell = Wakeup()
        bell.ring()
        bell.ring()
        #expect(await bell.wait(upTo: .seconds(30), clock: ContinuousClock()))
        // The second ring was folded into the first: the next wait times out.
        #expect(await bell.wait(upTo: .milliseconds(20), clock: ContinuousClock()) == false)
    }

    @Test("a waiting task wakes on a ring from another task")
    func wakes() async {
        let bell = Wakeup()
        async let woke = bell.wait(upTo: .seconds(30), clock: ContinuousClock())
        try? await Task.sleep(for: .milliseconds(20))
        bell.ring()
        #expect(await woke)
    }

    @Test("cancellation ends a wait without a ring", .timeLimit(.minutes(1)))
    func cancellation() async {
        let bell = Wakeup()
        let task = Task { await bell.wait() }
        task.cancel()
        await task.value
        let timed = Task { await bell.wait(upTo: .seconds(600), clock: ContinuousClock()) }
        timed.cancel()
        #expect(await timed.value == false, "a cancelled timed wait reports no ring")
        // The wait ended without a ring, so the bell was not used up by the cancelled wait: a ring now is seen by the next wait.
        bell.ring()
        #expect(await bell.wait(upTo: .seconds(30), clock: ContinuousClock()))
    }
}
