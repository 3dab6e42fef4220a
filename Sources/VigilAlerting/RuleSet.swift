/// Everything the rule files define, checked: receivers, rules (those written out and those
/// generated from SLOs) and SLOs.
public struct RuleSet: Sendable, Hashable {
    /// The receivers, in file order.
    public var receivers: [Receiver]
    /// The rules, in file order, each SLO's generated rules where the SLO is defined.
    public var rules: [AlertRule]
    /// The SLOs, in file order.
    public var slos: [ServiceLevelObjective]

    /// Makes a rule set.
    public init(receivers: [Receiver] = [], rules: [AlertRule] = [], slos: [ServiceLevelObjective] = []) {
        self.receivers = receivers
        self.rules = rules
        self.slos = slos
    }

    /// The receiver called `name`.
    public func receiver(named name: String) -> Receiver? {
        receivers.first { $0.name == name }
    }

    /// The rule called `name`.
    public func rule(named name: String) -> AlertRule? {
        rules.first { $0.name == name }
    }
}
