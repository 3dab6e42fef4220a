/// The tree order of a trace's spans, the one implementation the API's nested spans and the web
/// view's waterfall share: each span followed by its children (in the order `areInIncreasingOrder`
/// gives, by start), with its depth. A span whose parent is absent (or is itself) is a root, so a
/// trace still arriving shows what it has; spans only reachable through a cycle are not lost but
/// shown from where the cycle is entered, each once.
///
/// The walk keeps its own stack rather than recursing, so a parent chain as deep as the span cap
/// allows cannot overflow the thread's stack.
public enum SpanTree {
    /// One span's place in the order.
    public struct Entry: Sendable, Equatable {
        /// The span's index in the input.
        public var index: Int
        /// Its depth, 0 for a root.
        public var depth: Int

        /// Makes an entry.
        public init(index: Int, depth: Int) {
            self.index = index
            self.depth = depth
        }
    }

    /// The preorder of spans `0..<ids.count`: `ids[i]` is span i's id, `parents[i]` its parent's
    /// id; siblings (and roots) come in `areInIncreasingOrder` of their indices. When two spans
    /// share an id, children attach to the first of them.
    public static func order(ids: [String], parents: [String?], by areInIncreasingOrder: (Int, Int) -> Bool) -> [Entry] {
        precondition(ids.count == parents.count, "one parent per span")
        let count = ids.count
        var indexByID: [String: Int] = [:]
        indexByID.reserveCapacity(count)
        for index in 0..<count where indexByID[ids[index]] == nil {
            indexByID[ids[index]] = index
        }
        var children = [[Int]](repeating: [], count: count)
        var roots: [Int] = []
        for index in 0..<count {
            if let parentID = parents[index], parentID != ids[index], let parent = indexByID[parentID], parent != index {
                children[parent].append(index)
            } else {
                roots.append(index)
            }
        }
        for index in 0..<count where children[index].count > 1 {
            children[index].sort(by: areInIncreasingOrder)
        }
        roots.sort(by: areInIncreasingOrder)

        var visited = [Bool](repeating: false, count: count)
        var ordered: [Entry] = []
        ordered.reserveCapacity(count)
        var stack: [Entry] = []
        func walk(from start: Int) {
            stack.append(Entry(index: start, depth: 0))
            while let entry = stack.popLast() {
                guard !visited[entry.index] else { continue }
                visited[entry.index] = true
                ordered.append(entry)
                // Pushed last-first so that the first child is walked next.
                for child in children[entry.index].reversed() where !visited[child] {
                    stack.append(Entry(index: child, depth: entry.depth + 1))
                }
            }
        }
        for root in roots { walk(from: root) }
        if ordered.count < count {
            // Spans only reachable through a cycle: walked from the earliest not yet shown.
            for index in (0..<count).sorted(by: areInIncreasingOrder) where !visited[index] {
                walk(from: index)
            }
        }
        return ordered
    }
}
