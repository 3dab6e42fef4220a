public import Foundation
internal import VigilCore
internal import VigilProjections

/// A project's spending limit in US dollars over a UTC day or calendar month, for the whole
/// project, one service or one model (its normal form, as the rollups store it).
public struct Budget: Sendable, Equatable {
    /// What the budget covers.
    public enum ScopeKind: String, Sendable, CaseIterable {
        /// Every call of the project.
        case project
        /// The calls of one service (`service.name`).
        case service
        /// The calls of one model.
        case model
    }

    /// The period the amount is for, in UTC.
    public enum Period: String, Sendable, CaseIterable {
        /// A UTC day, from 00:00.
        case day
        /// A calendar month, from the 1st at 00:00 UTC.
        case month
    }

    /// The budget's id.
    public var id: Int64
    /// The project it belongs to.
    public var projectID: Int64
    /// What it covers.
    public var scopeKind: ScopeKind
    /// The service or model covered; empty for the whole project.
    public var scopeValue: String
    /// Its period.
    public var period: Period
    /// The amount per period, exact.
    public var amountUSD: Decimal
    /// When it was made, microseconds since the epoch.
    public var createdAtMicros: Int64

    /// Makes a budget.
    public init(id: Int64, projectID: Int64, scopeKind: ScopeKind, scopeValue: String, period: Period, amountUSD: Decimal, createdAtMicros: Int64) {
        self.id = id
        self.projectID = projectID
        self.scopeKind = scopeKind
        self.scopeValue = scopeValue
        self.period = period
        self.amountUSD = amountUSD
        self.createdAtMicros = createdAtMicros
    }

    /// The rollup filter of the budget: its service, its model, or neither.
    public var service: String? { scopeKind == .service ? scopeValue : nil }
    /// The model filter of the budget (its normal form).
    public var model: String? { scopeKind == .model ? scopeValue : nil }

    /// Whether a call of `service` and `model` counts against the budget: a project budget
    /// always; a service or model budget when the call names that service or model.
    public func applies(service: String?, model: String?) -> Bool {
        switch scopeKind {
        case .project: return true
        case .service: return service == scopeValue
        case .model: return model.map(ModelName.normalise) == scopeValue
        }
    }

    /// The start and end (exclusive) of the period holding `nowMicros`, microseconds since the epoch.
    public func periodBounds(nowMicros: Int64) -> (start: Int64, end: Int64) {
        Self.bounds(of: period, nowMicros: nowMicros)
    }

    /// The start and end (exclusive) of the UTC day or month holding `nowMicros`.
    public static func bounds(of period: Period, nowMicros: Int64) -> (start: Int64, end: Int64) {
        let day: Int64 = 86_400_000_000
        let today = nowMicros.floorDivided(by: day)
        switch period {
        case .day:
            return (today * day, (today + 1) * day)
        case .month:
            let (year, month, _) = CivilTime.date(fromDays: Int(today))
            let first = CivilTime.days(year: year, month: month, day: 1)
            let next = month == 12 ? CivilTime.days(year: year + 1, month: 1, day: 1) : CivilTime.days(year: year, month: month + 1, day: 1)
            return (Int64(first) * day, Int64(next) * day)
        }
    }

    /// The scope as a label value: `project`, `service=chat`, `model=gpt-4o`.
    public var scopeLabel: String {
        scopeKind == .project ? "project" : "\(scopeKind.rawValue)=\(scopeValue)"
    }
}
