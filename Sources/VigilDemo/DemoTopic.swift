/// What users ask the demo's support assistant about. Normal traffic mixes the first three; the
/// topic drift brings `coding`, which the assistant was not built for.
public enum DemoTopic: String, Sendable, Hashable, CaseIterable {
    /// Where is my order, returns, delivery.
    case orders
    /// Charges, invoices, plans, refunds.
    case billing
    /// How to use the product.
    case howTo = "how-to"
    /// Requests for code: the drift.
    case coding

    /// The normal mix.
    static let normalMix: [(DemoTopic, Double)] = [(.orders, 0.4), (.billing, 0.3), (.howTo, 0.3)]
    /// The mix during the drift.
    static let driftMix: [(DemoTopic, Double)] = [(.coding, 0.9), (.orders, 0.04), (.billing, 0.03), (.howTo, 0.03)]

    /// A user's question on this topic.
    func question(_ random: inout DemoRandom) -> String {
        let order = "#\(random.integer(10_000...99_999))"
        let amount = "$\(random.integer(9...240)).\(random.integer(10...99))"
        let feature = random.pick(["dashboard", "API key", "team workspace", "CSV export", "SSO login", "webhook", "invoice PDF", "mobile app"])
        let language = random.pick(["Python", "TypeScript", "Go", "Rust", "SQL", "Bash", "Java"])
        let task = random.pick(["parses a CSV of orders and sums the totals per customer", "retries an HTTP call with exponential backoff",
                                "reads a JSON file and prints the keys", "dedupes rows by email address", "resizes every image in a folder",
                                "turns a list of dates into weekdays", "calls your REST API and paginates through all results"])
        switch self {
        case .orders:
            return random.pick([
                "Where is my order \(order)? The tracking page has not changed for three days.",
                "I received the wrong size for order \(order). How do I exchange it?",
                "Can I still change the delivery address of order \(order)?",
                "My package for order \(order) arrived damaged, what should I do?",
                "How long does a return for order \(order) take to be refunded?",
                "Order \(order) says delivered but I never got it.",
            ])
        case .billing:
            return random.pick([
                "Why was I charged \(amount) twice this month?",
                "How do I download the invoice for my last payment of \(amount)?",
                "Can I switch from the monthly to the yearly plan and keep my discount?",
                "My card was declined for \(amount) but the bank says everything is fine.",
                "Please cancel my subscription and refund the \(amount) charged yesterday.",
                "Do you charge VAT on the \(amount) plan for companies in the EU?",
            ])
        case .howTo:
            return random.pick([
                "How do I set up the \(feature) for my team?",
                "Where can I find the settings for the \(feature)?",
                "The \(feature) stopped working after the update, how do I fix it?",
                "Is there a way to share the \(feature) with people outside my company?",
                "How do I turn on two-factor authentication for the \(feature)?",
                "Can I automate the \(feature) so it runs every morning?",
            ])
        case .coding:
            return random.pick([
                "Write a \(language) script that \(task).",
                "Can you debug this \(language) function? It \(task) but crashes on empty input.",
                "Give me a \(language) one-liner that \(task).",
                "Explain how to write a \(language) program that \(task), with code.",
                "Convert this shell pipeline to \(language): it \(task).",
            ])
        }
    }

    /// The assistant's answer to `question`.
    func answer(_ random: inout DemoRandom) -> String {
        switch self {
        case .orders:
            random.pick([
                "Your order left our warehouse and is with the carrier; the tracking page updates within 24 hours of each scan. If nothing changes by tomorrow, reply here and I will open an investigation.",
                "You can exchange the item from Orders → Returns: pick the new size and print the free label. The replacement ships as soon as the carrier scans your parcel.",
                "Refunds for returns are issued within 5 business days after the parcel reaches us; you will get an email when it is done.",
            ])
        case .billing:
            random.pick([
                "The second charge is a pending authorisation that your bank releases within 3–5 days; only one payment was captured. Your invoices are under Settings → Billing.",
                "You can switch to the yearly plan under Settings → Billing → Change plan; the unused part of this month is credited automatically.",
                "I have cancelled your subscription at the end of the current period and requested a refund of the last charge.",
            ])
        case .howTo:
            random.pick([
                "Open Settings → Integrations, choose it from the list and follow the three steps; an admin of your workspace has to approve it once.",
                "That setting moved to Workspace → Preferences in the last update. Toggle it on and reload the page.",
                "Yes: create a share link from the ⋯ menu and choose who can open it. Links expire after 30 days unless you renew them.",
            ])
        case .coding:
            random.pick([
                "Here is a starting point:\n```python\nimport csv\nfrom collections import defaultdict\ntotals = defaultdict(float)\nwith open('orders.csv') as f:\n    for row in csv.DictReader(f):\n        totals[row['customer']] += float(row['total'])\nprint(dict(totals))\n```",
                "Sure. The crash comes from indexing the first element of an empty list; check `if not items: return []` before the loop.",
                "You can do it with a loop that doubles the wait after each failed attempt, up to a maximum, and gives up after five tries.",
            ])
        }
    }

    /// A refusal the built-in check recognises (an output that opens with a refusal).
    func refusal(_ random: inout DemoRandom) -> String {
        switch self {
        case .coding:
            random.pick([
                "I can't help with writing code — I'm the Acme support assistant and can only answer questions about your orders, billing and our product.",
                "I'm sorry, but I can't write programs. I can help with your Acme account, orders and billing.",
            ])
        default:
            random.pick([
                "I'm sorry, but I can't share details of another customer's account.",
                "I can't help with that request, but a human agent can: reply 'agent' to be transferred.",
            ])
        }
    }
}
