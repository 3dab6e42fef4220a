import Testing
@testable import VigilEventLog

@Suite("Appender queue rules")
struct AppenderQueueTests {
    @Test("batches take whole requests in arrival order up to the event bound, at least one")
    func batching() {
        var queue = AppenderQueue<Int>(capacity: 200)
        for (index, size) in [30, 30, 50, 5].enumerated() {
            #expect(queue.submit(eventCount: size, waiter: index) == .accepted)
        }
        #expect(queue.queuedEvents == 115)
        #expect(queue.takeBatch(maxEvents: 70).map(\.waiter) == [0, 1])
        #expect(queue.takeBatch(maxEvents: 10).map(\.waiter) == [2], "an oversized request still goes alone")
        #expect(queue.takeBatch(maxEvents: 10).map(\.waiter) == [3])
        #expect(queue.isEmpty)
        #expect(queue.queuedEvents == 0)
    }

    @Test("a full queue refuses instead of growing; a request larger than the queue is refused as too large")
    func bounds() {
        var queue = AppenderQueue<Int>(capacity: 10)
        #expect(queue.submit(eventCount: 8, waiter: 0) == .accepted)
        #expect(queue.submit(eventCount: 3, waiter: 1) == .full(queuedEvents: 8))
        #expect(queue.submit(eventCount: 11, waiter: 2) == .tooLarge(capacity: 10))
        #expect(queue.submit(eventCount: 2, waiter: 3) == .accepted)
        #expect(queue.count == 2)
        _ = queue.takeBatch(maxEvents: 100)
        #expect(queue.submit(eventCount: 10, waiter: 4) == .accepted, "space comes back once a batch is taken")
    }

    @Test("a closed queue refuses new requests but still hands out what it holds")
    func closing() {
        var queue = AppenderQueue<Int>(capacity: 10)
        #expect(queue.submit(eventCount: 1, waiter: 0) == .accepted)
        queue.close()
        #expect(queue.submit(eventCount: 1, waiter: 1) == .closed)
        #expect(queue.takeBatch(maxEvents: 10).map(\.waiter) == [0])
        #expect(queue.drain().isEmpty)
    }

    @Test("holds its order over many cycles without keeping dead entries", arguments: [1, 7, 64])
    func manyCycles(batch: Int) {
        var queue = AppenderQueue<Int>(capacity: 10_000)
        var next = 0
        var taken: [Int] = []
        for round in 0..<500 {
            for _ in 0..<(round % 5 + 1) {
                #expect(queue.submit(eventCount: 1, waiter: next) == .accepted)
                next += 1
            }
            taken += queue.takeBatch(maxEvents: batch).map(\.waiter)
        }
        taken += queue.drain().map(\.waiter)
        #expect(taken == Array(0..<next))
    }
}
