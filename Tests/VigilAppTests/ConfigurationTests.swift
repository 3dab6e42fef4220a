import Logging
import Testing
import VigilAlerting
import VigilApp
import VigilCore
import VigilDrift
import VigilEventLog
import VigilHTTP
import VigilGRPC

@Suite("Configuration: defaults, every variable read, bad values named")
struct ConfigurationTests {
    @Test("an empty environment gives each module the defaults it states itself")
    func defaults() throws {
        let loaded = try VigilConfiguration.load(environment: [:])
        #expect(loaded.alerting.evaluator.interval == AlertEvaluator.Configuration().interval)
        #expect(loaded.drift.interval == DriftScheduler.Configuration().interval)
        #expect(loaded.drift.currentWindow == DriftScheduler.Configuration().currentWindow)
        #expect(loaded.drift.referenceWindow == DriftScheduler.Configuration().referenceWindow)
        #expect(loaded.drift.maxValues == DriftScheduler.Configuration().maxValues)
        #expect(loaded.retention.interval == RetentionService.Configuration().interval)
        #expect(loaded.retention.defaultDays == RetentionService.Configuration().defaultDays)
        #expect(loaded.retention.projections == RetentionService.ProjectionRetention.defaults)
        #expect(loaded.appender.maxBatchWait == EventAppender.Configuration().maxBatchWait)
        #expect(loaded.appender.commitDeadline == EventAppender.Configuration().commitDeadline)
        #expect(loaded.appender.maxBatchEvents == EventAppender.Configuration().maxBatchEvents)
        #expect(loaded.http.host == HTTPConfiguration().host && loaded.http.port == HTTPConfiguration().port)
        #expect(loaded.http.maxBodyBytes == HTTPConfiguration().maxBodyBytes)
        #expect(loaded.grpc == GRPCCollector.Configuration())
        #expect(loaded.grpc?.host == "127.0.0.1" && loaded.grpc?.port == 4317)
        #expect(loaded.processing.batchSize == 5_000 && loaded.processing.replayBatchSize == 50_000)
        #expect(loaded.processing.pollInterval == .seconds(1))
        #expect(loaded.storage.databaseURL == nil && loaded.storage.dataDirectory == ".vigil")
        #expect(loaded.keyCacheSeconds == 10 && loaded.logLevel == .info && loaded.only == nil)
    }

    @Test("each variable is read into its slice")
    func read() throws {
        let loaded = try VigilConfiguration.load(environment: [
            "VIGIL_LISTEN": "[::1]:9000", "VIGIL_EVALUATION_INTERVAL": "7", "VIGIL_DRIFT_INTERVAL": "60",
            "VIGIL_RETENTION_DAYS": "12", "VIGIL_RETENTION_INTERVAL_SECONDS": "600", "VIGIL_AUDIT_RETENTION_DAYS": "90",
            "VIGIL_APPEND_MAX_WAIT_MS": "0", "VIGIL_PROCESSOR_POLL_MS": "250", "VIGIL_ONLY": "collector",
            "VIGIL_LOG_LEVEL": "DEBUG", "VIGIL_RULES": " a.yaml , ,b ", "VIGIL_DATABASE_URL": "postgres://x@h/db",
            "VIGIL_GRPC_LISTEN": "0.0.0.0:14317", "VIGIL_GRPC_MAX_MESSAGE_BYTES": "2048",
        ])
        #expect(loaded.grpc?.host == "0.0.0.0" && loaded.grpc?.port == 14317 && loaded.grpc?.maxMessageBytes == 2048)
        #expect(loaded.http.host == "::1" && loaded.http.port == 9000)
        #expect(loaded.alerting.evaluator.interval == .seconds(7))
        #expect(loaded.drift.interval == .seconds(60))
        #expect(loaded.retention.defaultDays == 12 && loaded.retention.interval == .seconds(600))
        #expect(loaded.retention.projections.first { $0.table == "audit_log" }?.days == 90)
        #expect(loaded.appender.maxBatchWait == .zero)
        #expect(loaded.processing.pollInterval == .milliseconds(250))
        #expect(loaded.only == "collector" && loaded.logLevel == .debug)
        #expect(loaded.alerting.rulePaths == ["a.yaml", "b"])
        #expect(loaded.storage.databaseURL == "postgres://x@h/db")
    }

    @Test("a bad value is refused with the variable and what it may be", arguments: [
        ("VIGIL_RETENTION_INTERVAL_SECONDS", "5", "from 10 to 604800"),
        ("VIGIL_EVALUATION_INTERVAL", "0", "VIGIL_EVALUATION_INTERVAL"),
        ("VIGIL_PROCESSOR_BATCH", "9223372036854775808", "VIGIL_PROCESSOR_BATCH"),
        ("VIGIL_MAX_BODY_BYTES", "-1", "VIGIL_MAX_BODY_BYTES"),
        ("VIGIL_DRIFT_WINDOW", "1h", "VIGIL_DRIFT_WINDOW"),
        ("VIGIL_LISTEN", "localhost", "host:port"),
        ("VIGIL_LISTEN", "127.0.0.1:70000", "host:port"),
        ("VIGIL_GRPC_LISTEN", "4317", "127.0.0.1:4317"),
        ("VIGIL_GRPC_MAX_MESSAGE_BYTES", "10", "VIGIL_GRPC_MAX_MESSAGE_BYTES"),
        ("VIGIL_REDACTION", "blur", "off, mask, hash"),
        ("VIGIL_REDACTION_SECRET", "short", "at least 16"),
        ("VIGIL_LOG_LEVEL", "loud", "trace, debug"),
    ])
    func refused(variable: String, value: String, message: String) {
        #expect {
            _ = try VigilConfiguration.load(environment: [variable: value])
        } throws: { error in
            guard let vigil = error as? VigilError else { return false }
            return vigil.code == .configuration && vigil.message.contains(variable) && vigil.message.contains(message)
        }
    }
}

extension ConfigurationTests {
    @Test("VIGIL_GRPC_LISTEN=off turns the gRPC listener off; --grpc-listen sets it back")
    func grpcOff() throws {
        var loaded = try VigilConfiguration.load(environment: ["VIGIL_GRPC_LISTEN": "OFF"])
        #expect(loaded.grpc == nil)
        try loaded.setGRPCListen(":4000", source: "--grpc-listen")
        #expect(loaded.grpc?.host == "0.0.0.0" && loaded.grpc?.port == 4000)
    }
}

@Suite("Which parts vigil serve runs")
struct ServeRoleTests {
    @Test("a comma-separated list in any case; an unknown part is refused naming the known ones")
    func parse() throws {
        #expect(try ServeRole.parse("collector") == [.collector])
        #expect(try ServeRole.parse("Processor,collector") == [.collector, .processor])
        #expect(try ServeRole.parse("collector,,collector") == [.collector])
        #expect {
            _ = try ServeRole.parse("collector,alerter")
        } throws: { error in
            (error as? VigilError)?.message.contains("--only alerter: unknown role; known roles: collector, processor") == true
        }
    }
}
