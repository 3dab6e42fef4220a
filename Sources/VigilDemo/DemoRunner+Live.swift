internal import Foundation
internal import VigilCore

/// The live part: beat after beat of traffic, each trace sent when it ends, each evaluation when
/// it is made, the incidents announced as they start and end, drift reports asked for before and
/// after the drift.
extension DemoRunner {
    func live(runNanos: UInt64, tally: DemoTally) async throws {
        let timeline = options.timeline
        let beatNanos = UInt64(Double(DemoTimeline.beat.components.seconds) * 1e9 / options.speed)
        let durationNanos = UInt64(Double(options.duration.components.seconds) * 1e9 + Double(options.duration.components.attoseconds) / 1e9)
        let beats = Int(durationNanos / beatNanos)  // whole beats: every trace ends within the run
        let liveStart = EventTime.nowNanos()
        let liveEnd = liveStart + durationNanos
        let tick = Duration.milliseconds(min(500, max(100, Int(beatNanos / 4_000_000))))
        let settleNanos: UInt64 = 2_000_000_000

        output.line("Live traffic starts at \(CivilTime.rfc3339(micros: Int64(liveStart / 1000))) (beat \(DemoRunner.text(options.beat))).")
        var traces: [DemoTrace] = []
        var evaluations: [(String, DemoTrace.Evaluation)] = []
        var generated = 0
        var announced = -1
        var reportedBefore = false
        var reportedAfter = false
        var sentTraces = 0
        var sentSpans = 0
        var sentEmbeddings = 0
        var sentEvaluations = 0
        var lastProgress = liveStart

        while true {
            // The drift report before the drift, before any of the drift's traffic is made or sent.
            if !reportedBefore, EventTime.nowNanos() >= liveStart + UInt64(timeline.reportBeforeDrift) * beatNanos {
                reportedBefore = true
                await driftReport("before the drift", tally: tally)
            }
            let now = EventTime.nowNanos()
            // Make each beat's traffic as the beat begins.
            while generated < beats, liveStart + UInt64(generated) * beatNanos <= now {
                let beat = generated
                let slice = TrafficSlice(index: Int64(beat), startNanos: liveStart + UInt64(beat) * beatNanos, lengthNanos: beatNanos,
                                         minutes: 1.0 / Double(DemoTimeline.beatsPerMinute), phases: timeline.phases(atBeat: beat), runNanos: runNanos)
                let made = generator.traces(for: slice)
                traces += made
                for trace in made { evaluations += trace.evaluations.map { (trace.traceID, $0) } }
                generated += 1
            }
            // Announce the incidents whose beat has come.
            while announced + 1 < generated {
                announced += 1
                announce(beat: announced, at: liveStart + UInt64(announced) * beatNanos)
            }
            // Send what is due.
            let dueTraces = traces.filter { $0.endNanos <= now }
            if !dueTraces.isEmpty {
                traces.removeAll { $0.endNanos <= now }
                try await export(dueTraces)
                sentEmbeddings += try await sendEmbeddings(dueTraces)
                sentTraces += dueTraces.count
                sentSpans += dueTraces.reduce(0) { $0 + $1.spans.count }
            }
            let dueEvaluations = evaluations.filter { $0.1.timeNanos <= now }
            if !dueEvaluations.isEmpty {
                evaluations.removeAll { $0.1.timeNanos <= now }
                sentEvaluations += try await sendEvaluations(dueEvaluations, nowNanos: now)
            }
            // The drift report after the drift, once the last drifted prompts are processed.
            if !reportedAfter, now >= liveStart + UInt64(timeline.reportAfterDrift) * beatNanos + settleNanos {
                reportedAfter = true
                await driftReport("after the drift", tally: tally)
            }
            if now >= lastProgress + 60_000_000_000 {
                lastProgress = now
                output.line("Sent so far: \(sentTraces) traces (\(sentSpans) spans), \(sentEmbeddings) prompt embeddings, \(sentEvaluations) evaluations.")
            }
            if now >= liveEnd { break }
            try await Task.sleep(for: tick)
        }
        // What is left (evaluations are made after their traces end): send it, evaluations as of now.
        try await export(traces)
        sentEmbeddings += try await sendEmbeddings(traces)
        sentTraces += traces.count
        sentSpans += traces.reduce(0) { $0 + $1.spans.count }
        sentEvaluations += try await sendEvaluations(evaluations, nowNanos: EventTime.nowNanos())
        output.line("Live traffic done: \(sentTraces) traces (\(sentSpans) spans), \(sentEmbeddings) prompt embeddings, \(sentEvaluations) evaluations.")
    }

    private func announce(beat: Int, at nanos: UInt64) {
        let timeline = options.timeline
        let now = timeline.phases(atBeat: beat)
        let before = beat == 0 ? [] : timeline.phases(atBeat: beat - 1)
        let time = CivilTime.rfc3339(micros: Int64(nanos / 1000))
        for phase in before.subtracting(now).sorted() {
            output.line("■ \(phase.rawValue) ends at \(time)")
        }
        for phase in now.subtracting(before).sorted() {
            output.line("▶ \(phase.rawValue) starts at \(time): \(phase.summary)\n  → \(phase.expectation)")
        }
    }

    /// Asks Vigil for a drift report of the prompts' embeddings now, and prints the verdict.
    func driftReport(_ label: String, tally: DemoTally) async {
        do {
            let body = try await client.post("/api/v1/drift/reports", DemoAPIBody.report(feature: TrafficGenerator.feature), key: .operate, accept: [201])
            guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return }
            let psiMean = (object["psi_mean"] as? NSNumber)?.doubleValue ?? .nan
            let psiMax = (object["psi_max"] as? NSNumber)?.doubleValue ?? .nan
            let drifted = object["drifted"] as? Bool ?? false
            let report = object["report"] as? [String: Any] ?? [:]
            let pValue = (report["p_value"] as? NSNumber)?.doubleValue ?? .nan
            let floor = (report["noise_floor"] as? NSNumber)?.doubleValue ?? .nan
            let current = (report["current_count"] as? NSNumber)?.intValue ?? 0
            let reference = (report["reference_count"] as? NSNumber)?.intValue ?? 0
            let id = (object["id"] as? NSNumber)?.intValue ?? 0
            await tally.drift(label, psiMean: psiMean, drifted: drifted)
            output.line("""
                Drift report #\(id) of \(TrafficGenerator.feature) \(label): PSI mean \(String(format: "%.3f", psiMean)) (max \(String(format: "%.3f", psiMax)), \
                noise floor \(String(format: "%.3f", floor)), p \(String(format: "%.3f", pValue))) over \(current) prompts of the last hour \
                vs \(reference) of the baseline → \(drifted ? "DRIFTED (red)" : "not drifted (green)")
                """)
        } catch let error as VigilError {
            output.line("Drift report \(label): \(error.message)")
        } catch {
            output.line("Drift report \(label) failed: \(error)")
        }
    }
}
