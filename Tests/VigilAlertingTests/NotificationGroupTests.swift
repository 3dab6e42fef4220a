import Foundation
import Testing
import VigilAlerting

@Suite("Notification grouping and timing")
struct NotificationGroupTests {
    let options = GroupingOptions(groupBy: ["alertname"], groupWait: .seconds(30), groupInterval: .seconds(300), repeatInterval: .seconds(3600))

    func firing(_ service: String, at start: Double) -> AlertSnapshot {
        AlertSnapshot(labels: ["alertname": "HighLatency", "service": service], annotations: ["summary": service], startsAt: TestClock.at(start), endsAt: nil, generatorURL: "http://vigil/r")
    }

    func resolved(_ service: String, at start: Double, end: Double) -> AlertSnapshot {
        var alert = firing(service, at: start)
        alert.endsAt = TestClock.at(end)
        return alert
    }

    func group(sendResolved: Bool = true) -> NotificationGroup {
        NotificationGroup(receiver: "oncall", groupLabels: ["alertname": "HighLatency"], options: options, sendResolved: sendResolved, createdAt: TestClock.at(0))
    }

    @Test("group_wait gathers the alerts that start together into the first notification")
    func groupWait() throws {
        var group = group()
        group.insert(firing("chat", at: 0), now: TestClock.at(0))
        group.insert(firing("search", at: 10), now: TestClock.at(10))
        #expect(group.nextFlushAt == TestClock.at(30))
        #expect(group.flush(now: TestClock.at(29)) == nil)
        let notificationFlush = group.flush(now: TestClock.at(30))
        let notification = try #require(notificationFlush)
        #expect(notification.alerts.map { $0.labels["service"] } == ["chat", "search"])
        #expect(notification.status == .firing)
        #expect(notification.groupKey == #"{}/{receiver="oncall"}:{alertname="HighLatency"}"#)
        #expect(group.nextFlushAt == TestClock.at(330))
    }

    @Test("an alert that started more than group_wait ago is due at once (after a restart, say)")
    func oldAlertFlushesAtOnce() {
        var group = NotificationGroup(receiver: "oncall", groupLabels: ["alertname": "HighLatency"], options: options, createdAt: TestClock.at(100))
        group.insert(firing("chat", at: 0), now: TestClock.at(100))
        #expect(group.nextFlushAt == TestClock.at(100))
        #expect(group.flush(now: TestClock.at(100)) != nil)
    }

    @Test("after the first notification, changes wait for group_interval; no change waits for repeat_interval")
    func intervals() throws {
        var group = group()
        group.insert(firing("chat", at: 0), now: TestClock.at(0))
        #expect(group.flush(now: TestClock.at(30)) != nil)
        group.insert(firing("search", at: 60), now: TestClock.at(60))
        #expect(group.nextFlushAt == TestClock.at(330))  // no jump: group_wait is over
        let secondFlush = group.flush(now: TestClock.at(330))
        let second = try #require(secondFlush)
        #expect(second.alerts.count == 2)
        // Nothing new: the flushes at 630 … 3930 send nothing. As in Alertmanager, the repeat is due
        // only strictly after last + repeat_interval (3930), so at the first flush after it.
        var time = 630.0
        while time <= 3930 {
            #expect(group.flush(now: TestClock.at(time)) == nil, "at \(time)")
            time += 300
        }
        let repeatedFlush = group.flush(now: TestClock.at(4230))
        let repeated = try #require(repeatedFlush)
        #expect(repeated.alerts.count == 2)
    }

    @Test("a resolution is sent at the next interval, then the resolved alert leaves the group")
    func resolution() throws {
        var group = group()
        group.insert(firing("chat", at: 0), now: TestClock.at(0))
        group.insert(firing("search", at: 0), now: TestClock.at(0))
        #expect(group.flush(now: TestClock.at(30)) != nil)
        group.insert(resolved("chat", at: 0, end: 100), now: TestClock.at(100))
        let updateFlush = group.flush(now: TestClock.at(330))
        let update = try #require(updateFlush)
        #expect(update.status == .firing)
        #expect(update.alerts.map(\.status) == [.resolved, .firing])
        #expect(group.alerts.count == 1)
        group.insert(resolved("search", at: 0, end: 400), now: TestClock.at(400))
        let lastFlush = group.flush(now: TestClock.at(630))
        let last = try #require(lastFlush)
        #expect(last.status == .resolved)
        #expect(last.alerts.map { $0.labels["service"] } == ["search"])
        #expect(group.isEmpty)
    }

    @Test("without send_resolved, resolutions are not sent but a new firing alert is")
    func noSendResolved() throws {
        var group = group(sendResolved: false)
        group.insert(firing("chat", at: 0), now: TestClock.at(0))
        group.insert(firing("search", at: 0), now: TestClock.at(0))
        #expect(group.flush(now: TestClock.at(30)) != nil)
        group.insert(resolved("chat", at: 0, end: 100), now: TestClock.at(100))
        #expect(group.flush(now: TestClock.at(330)) == nil)  // firing {search} ⊆ last firing; resolved not sent
        // chat fires again: the receiver never heard it resolve, so for it nothing changed.
        group.insert(firing("chat", at: 400), now: TestClock.at(400))
        #expect(group.flush(now: TestClock.at(630)) == nil)
        // A new alert is news.
        group.insert(firing("rag", at: 700), now: TestClock.at(700))
        let newFlush = group.flush(now: TestClock.at(930))
        let new = try #require(newFlush)
        #expect(new.alerts.map { $0.labels["service"] } == ["chat", "rag", "search"])
        group.insert(resolved("chat", at: 400, end: 1000), now: TestClock.at(1000))
        group.insert(resolved("rag", at: 700, end: 1000), now: TestClock.at(1000))
        group.insert(resolved("search", at: 0, end: 1000), now: TestClock.at(1000))
        #expect(group.flush(now: TestClock.at(1230)) == nil)  // all resolved: nothing to send without send_resolved
        #expect(group.isEmpty)
    }

    @Test("an alert that fires and resolves within group_wait is never sent")
    func flapWithinWait() {
        var group = group()
        group.insert(firing("chat", at: 0), now: TestClock.at(0))
        group.insert(resolved("chat", at: 0, end: 10), now: TestClock.at(10))
        #expect(group.flush(now: TestClock.at(30)) == nil)
        #expect(group.isEmpty)
    }

    @Test("group labels follow group_by, `...` taking every label")
    func groupLabels() {
        let labels: LabelSet = ["alertname": "A", "service": "chat", "model": "m"]
        #expect(GroupingOptions(groupBy: ["alertname", "service"]).groupLabels(of: labels) == ["alertname": "A", "service": "chat"])
        #expect(GroupingOptions(groupBy: ["..."]).groupLabels(of: labels) == labels)
        #expect(GroupingOptions(groupBy: []).groupLabels(of: labels) == [:])
    }

    @Test("a group survives a JSON round trip with its timing")
    func codable() throws {
        var group = group()
        group.insert(firing("chat", at: 0), now: TestClock.at(0))
        _ = group.flush(now: TestClock.at(30))
        let decoded = try JSONDecoder().decode(NotificationGroup.self, from: JSONEncoder().encode(group))
        #expect(decoded == group)
    }
}
