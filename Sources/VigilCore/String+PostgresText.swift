extension StringProtocol {
    /// Whether the text holds U+0000, which Postgres refuses in `text` and `jsonb` values: such
    /// text from outside is refused before it reaches a query.
    public var containsNUL: Bool {
        utf8.contains(0)
    }
}
