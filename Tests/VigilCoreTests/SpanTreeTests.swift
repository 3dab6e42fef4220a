import Testing
import VigilCore

@Suite("SpanTree")
struct SpanTreeTests {
    @Test("a parent chain 100,000 spans deep is ordered root first, one level deeper each step, without recursion")
    func deepChain() {
        let count = 100_000
        // Given leaf first, so the order cannot come from the input's order.
        let ids = (0..<count).reversed().map { "s\($0)" }
        let parents: [String?] = (0..<count).reversed().map { $0 == 0 ? nil : "s\($0 - 1)" }
        let order = SpanTree.order(ids: ids, parents: parents) { $0 < $1 }
        #expect(order.count == count)
        let inOrder = order.enumerated().allSatisfy { position, entry in
            entry.depth == position && ids[entry.index] == "s\(position)"
        }
        #expect(inOrder)
    }

    @Test("a wide tree: every child once, siblings in the given order, grandchildren right after their parent")
    func wideTree() {
        var ids = ["root"]
        var parents: [String?] = [nil]
        var starts = [0]
        for child in 0..<5_000 {
            ids.append("c\(child)")
            parents.append("root")
            starts.append(10_000 - child)
        }
        ids.append("g")
        parents.append("c4999")
        starts.append(20_000)
        let order = SpanTree.order(ids: ids, parents: parents) { starts[$0] < starts[$1] }
        let names = order.map { ids[$0.index] }
        #expect(order.count == ids.count)
        #expect(names.first == "root" && order.first?.depth == 0)
        #expect(Array(names[1...2]) == ["c4999", "g"], "the earliest child first, its child next")
        #expect(order[2].depth == 2)
        #expect(names.last == "c0")
        let childDepths = order.dropFirst().filter { ids[$0.index] != "g" }.allSatisfy { $0.depth == 1 }
        #expect(childDepths)
    }

    @Test("orphans are roots, cycles are shown once from their earliest span, a span naming itself is a root")
    func orphansAndCycles() {
        let ids = ["c2", "r", "c1", "g", "orphan", "x", "y", "self"]
        let parents: [String?] = ["r", nil, "r", "c1", "missing", "y", "x", "self"]
        let starts = [300, 100, 200, 250, 50, 400, 500, 600]
        let order = SpanTree.order(ids: ids, parents: parents) { starts[$0] < starts[$1] }
        let shown = order.map { "\(ids[$0.index]):\($0.depth)" }
        #expect(shown == ["orphan:0", "r:0", "c1:1", "g:2", "c2:1", "self:0", "x:0", "y:1"])
    }
}
