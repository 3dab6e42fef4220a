public import Foundation
public import Logging
public import PostgresNIO
public import VigilCore

/// One limit's change in `vigil keys update`: left as it is, cleared, or set.
public enum LimitChange<Value: Sendable>: Sendable {
    /// Left as it is.
    case keep
    /// Removed (a key's limit then follows its project's default; a default, no limit).
    case clear
    /// Set to this value.
    case set(Value)

    /// `keep` for no text, `clear` for nil, `set` for a value: what the CLI's `--rate none` and `--rate 5` parse to.
    public init(_ parsed: Value??) {
        switch parsed {
        case .none: self = .keep
        case .some(.none): self = .clear
        case .some(.some(let value)): self = .set(value)
        }
    }

    var isKeep: Bool {
        if case .keep = self { return true }
        return false
    }

    var value: Value? {
        if case .set(let value) = self { return value }
        return nil
    }
}

/// Changes to the limits of a key or of a project's defaults.
public struct KeyLimitsChange: Sendable {
    /// Requests a second (`--rate`).
    public var requestsPerSecond: LimitChange<Double> = .keep
    /// Body bytes a second (`--bytes`).
    public var bytesPerSecond: LimitChange<Double> = .keep
    /// Items a second (`--spans`).
    public var itemsPerSecond: LimitChange<Double> = .keep
    /// Dollars a UTC day (`--spend-usd-per-day`).
    public var spendUSDPerDay: LimitChange<Decimal> = .keep

    /// No change.
    public init() {}

    /// Whether nothing changes.
    public var isEmpty: Bool {
        requestsPerSecond.isKeep && bytesPerSecond.isKeep && itemsPerSecond.isKeep && spendUSDPerDay.isKeep
    }

    var auditDetails: [String: String] {
        var details: [String: String] = [:]
        func note<Value: Sendable>(_ name: String, _ change: LimitChange<Value>, _ text: (Value) -> String) {
            switch change {
            case .keep: break
            case .clear: details[name] = "none"
            case .set(let value): details[name] = text(value)
            }
        }
        note("requests_per_second", requestsPerSecond) { String($0) }
        note("bytes_per_second", bytesPerSecond) { String($0) }
        note("items_per_second", itemsPerSecond) { String($0) }
        note("spend_usd_per_day", spendUSDPerDay) { KeyStore.text($0) }
        return details
    }
}

extension KeyStore {
    /// The four limits in force for a key row `k` whose project's defaults are the row `d`
    /// (`LEFT JOIN project_limits d`), in `KeyLimits`' order, the spend as text.
    static let effectiveLimitColumns = """
        COALESCE(k.requests_per_second, d.requests_per_second), COALESCE(k.bytes_per_second, d.bytes_per_second), \
        COALESCE(k.items_per_second, d.items_per_second), COALESCE(k.spend_usd_per_day, d.spend_usd_per_day)::text
        """

    /// Changes the own limits of the active key with id `keyID` or lookup `lookup`, audited (as
    /// the CLI). Servers use the new limits within `VIGIL_KEY_CACHE_SECONDS`.
    /// - Throws: `VigilError` `.notFound` when no such active key exists.
    public static func updateLimits(keyID: Int64?, lookup: String?, change: KeyLimitsChange, on connection: PostgresConnection, logger: Logger) async throws -> KeyInfo {
        let id = keyID ?? -1
        let publicPart = lookup ?? ""
        return try await connection.transaction(logger: logger) { transaction in
            var updated: (Int64, Int64, String)?
            for try await row in try await transaction.query("""
                UPDATE api_keys SET
                    requests_per_second = CASE WHEN \(change.requestsPerSecond.isKeep) THEN requests_per_second ELSE \(change.requestsPerSecond.value)::double precision END,
                    bytes_per_second = CASE WHEN \(change.bytesPerSecond.isKeep) THEN bytes_per_second ELSE \(change.bytesPerSecond.value)::double precision END,
                    items_per_second = CASE WHEN \(change.itemsPerSecond.isKeep) THEN items_per_second ELSE \(change.itemsPerSecond.value)::double precision END,
                    spend_usd_per_day = CASE WHEN \(change.spendUSDPerDay.isKeep) THEN spend_usd_per_day ELSE \(change.spendUSDPerDay.value.map(text))::numeric END
                WHERE (key_id = \(id) OR lookup = \(publicPart)) AND revoked_at IS NULL
                RETURNING project_id, key_id, lookup
                """, logger: logger).decode((Int64, Int64, String).self) {
                updated = row
            }
            guard let (projectID, updatedID, updatedLookup) = updated else {
                throw VigilError(.notFound, "no active key with \(keyID.map { "id \($0)" } ?? "lookup \(publicPart)")")
            }
            let all = try await list(project: nil, on: transaction, logger: logger)
            guard let info = all.first(where: { $0.keyID == updatedID }) else {
                throw VigilError(.notFound, "key \(updatedID) vanished while being updated")
            }
            var details = change.auditDetails
            details["lookup"] = updatedLookup
            let audit = AuditRecord(projectID: projectID, projectName: info.project ?? InstanceProject.name, actor: .cli, action: "key.update",
                                    target: String(updatedID), outcome: .succeeded, details: details)
            _ = try await EventLogWriter.appendInTransaction([audit.event()], on: transaction, knownPartitions: [], logger: logger)
            return info
        }
    }

    /// Changes the default limits of project `project` (what each of its keys follows for a
    /// limit it does not set itself), audited (as the CLI); returns the defaults now in force.
    /// - Throws: `VigilError` `.notFound` when there is no such project.
    public static func updateProjectLimits(project: String, change: KeyLimitsChange, on connection: PostgresConnection, logger: Logger) async throws -> KeyLimits {
        try await connection.transaction(logger: logger) { transaction in
            let projectID = try await Self.projectID(named: project, on: transaction, logger: logger)
            guard projectID != InstanceProject.id else {
                throw VigilError(.invalidInput, "the instance has no telemetry to limit: name a project")
            }
            var limits = KeyLimits.none
            for try await (requests, bytes, items, spend) in try await transaction.query("""
                INSERT INTO project_limits AS d (project_id, requests_per_second, bytes_per_second, items_per_second, spend_usd_per_day)
                VALUES (\(projectID), \(change.requestsPerSecond.value)::double precision, \(change.bytesPerSecond.value)::double precision,
                        \(change.itemsPerSecond.value)::double precision, \(change.spendUSDPerDay.value.map(text))::numeric)
                ON CONFLICT (project_id) DO UPDATE SET
                    requests_per_second = CASE WHEN \(change.requestsPerSecond.isKeep) THEN d.requests_per_second ELSE EXCLUDED.requests_per_second END,
                    bytes_per_second = CASE WHEN \(change.bytesPerSecond.isKeep) THEN d.bytes_per_second ELSE EXCLUDED.bytes_per_second END,
                    items_per_second = CASE WHEN \(change.itemsPerSecond.isKeep) THEN d.items_per_second ELSE EXCLUDED.items_per_second END,
                    spend_usd_per_day = CASE WHEN \(change.spendUSDPerDay.isKeep) THEN d.spend_usd_per_day ELSE EXCLUDED.spend_usd_per_day END,
                    updated_at = now()
                RETURNING requests_per_second, bytes_per_second, items_per_second, spend_usd_per_day::text
                """, logger: logger).decode((Double?, Double?, Double?, String?).self) {
                limits = KeyLimits(requestsPerSecond: requests, bytesPerSecond: bytes, itemsPerSecond: items, spendUSDPerDay: spend.flatMap(decimal))
            }
            let audit = AuditRecord(projectID: projectID, projectName: project, actor: .cli, action: "project.limits",
                                    target: project, outcome: .succeeded, details: change.auditDetails)
            _ = try await EventLogWriter.appendInTransaction([audit.event()], on: transaction, knownPartitions: [], logger: logger)
            return limits
        }
    }

    /// The audit details of a new key's own limits.
    static func auditDetails(_ limits: KeyLimits) -> [String: String] {
        var details: [String: String] = [:]
        if let value = limits.requestsPerSecond { details["requests_per_second"] = String(value) }
        if let value = limits.bytesPerSecond { details["bytes_per_second"] = String(value) }
        if let value = limits.itemsPerSecond { details["items_per_second"] = String(value) }
        if let value = limits.spendUSDPerDay { details["spend_usd_per_day"] = text(value) }
        return details
    }

    /// A dollar amount as Postgres `numeric` text.
    static func text(_ amount: Decimal) -> String {
        NSDecimalNumber(decimal: amount).description(withLocale: Locale(identifier: "en_US_POSIX"))
    }

    /// A `numeric` read as text; nil when unreadable (then no quota applies rather than a wrong one).
    static func decimal(_ text: String) -> Decimal? {
        Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}
