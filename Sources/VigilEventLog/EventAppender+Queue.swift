internal import DequeModule

/// The appender's bounded queue as a value type, so its rules are tested without I/O:
/// requests wait whole (never split), a batch takes requests in arrival order up to a bound on
/// events (at least one request), and a full queue or a closed one refuses instead of growing.
struct AppenderQueue<Waiter> {
    struct Item {
        var eventCount: Int
        var waiter: Waiter
    }

    enum Admission: Equatable {
        case accepted
        /// The queue holds too many events to take this request now.
        case full(queuedEvents: Int)
        /// The request alone is larger than the queue.
        case tooLarge(capacity: Int)
        /// The appender is shutting down.
        case closed
    }

    let capacity: Int
    // A deque, so a taken request (and its events) is released as soon as it is taken.
    private var items = Deque<Item>()
    private(set) var queuedEvents = 0
    private(set) var isClosed = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    var isEmpty: Bool { items.isEmpty }
    var count: Int { items.count }

    mutating func submit(eventCount: Int, waiter: Waiter) -> Admission {
        if isClosed { return .closed }
        if eventCount > capacity { return .tooLarge(capacity: capacity) }
        if queuedEvents + eventCount > capacity { return .full(queuedEvents: queuedEvents) }
        items.append(Item(eventCount: eventCount, waiter: waiter))
        queuedEvents += eventCount
        return .accepted
    }

    /// Takes the oldest requests whose events add up to at most `maxEvents`, and always at least one.
    mutating func takeBatch(maxEvents: Int) -> [Item] {
        var batch: [Item] = []
        var events = 0
        while let item = items.first {
            if !batch.isEmpty, events + item.eventCount > maxEvents { break }
            batch.append(items.removeFirst())
            events += item.eventCount
        }
        queuedEvents -= events
        return batch
    }

    /// Refuses new requests from now on; queued ones are still taken.
    mutating func close() {
        isClosed = true
    }

    /// Empties the queue, returning what was waiting.
    mutating func drain() -> [Item] {
        let rest = Array(items)
        items.removeAll()
        queuedEvents = 0
        return rest
    }
}
