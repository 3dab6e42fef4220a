internal import VigilCore

/// What SQL a dashboard may run when Vigil executes it for an export: one `SELECT` (or
/// `WITH ... SELECT`) calling only functions from a fixed list of aggregates, window, arithmetic,
/// date, string, array and JSON functions. Together with the sandbox the exporter runs it in (a
/// read-only transaction as a role that sees only the caller's project's projection rows), this
/// keeps an imported dashboard from changing settings (`set_config`), running SQL of its own
/// (`query_to_xml`) or reaching anything but its own project's data.
public enum PanelSQLGuard {
    /// Throws an `.invalidInput` error saying what is not allowed; returns for acceptable SQL.
    public static func check(_ sql: String) throws {
        let tokens = try SQLTokenizer.tokens(of: sql)
        guard let first = tokens.first else { throw VigilError(.invalidInput, "the SQL is empty") }
        guard first.kind == .word, ["select", "with"].contains(first.lowered) else {
            throw VigilError(.invalidInput, "a panel's SQL must be one SELECT (or WITH ... SELECT) query, not \(first.text)")
        }
        for (index, token) in tokens.enumerated() {
            if token.kind == .punctuation, token.text == ";", tokens[(index + 1)...].contains(where: { !($0.kind == .punctuation && $0.text == ";") }) {
                throw VigilError(.invalidInput, "a panel's SQL must be one statement (a ';' is followed by more)")
            }
            guard token.kind == .word || token.kind == .quotedIdentifier,
                  index + 1 < tokens.count, tokens[index + 1].kind == .punctuation, tokens[index + 1].text == "("
            else { continue }
            let name = token.kind == .word ? token.lowered : token.text
            let previous = index > 0 ? tokens[index - 1] : nil
            if token.kind == .word, keywordsBeforeParenthesis.contains(name) { continue }
            if previous?.kind == .punctuation, previous?.text == "$" { continue }  // a Grafana macro, expanded before it runs
            if typeNames.contains(name), previous?.text == "::" || previous?.lowered == "as" { continue }
            // A table alias's column list: `... AS e(value)`, `func(...) e(value)`, `WITH x(a, b) AS`.
            if let previous, previous.lowered == "as" || previous.text == ")" || previous.lowered == "with" || previous.lowered == "recursive" { continue }
            guard allowedFunctions.contains(name) else {
                throw VigilError(.invalidInput, "the function \(name)() is not allowed in dashboard SQL (aggregate, window, arithmetic, date, string, array and JSON functions are)")
            }
        }
    }

    static let keywordsBeforeParenthesis: Set<String> = [
        "in", "exists", "any", "all", "some", "values", "over", "filter", "as", "using", "on", "and", "or", "not",
        "when", "then", "else", "select", "from", "where", "join", "lateral", "case", "between", "is", "by", "with",
        "recursive", "materialized", "union", "intersect", "except", "distinct", "rollup", "cube", "sets", "grouping",
        "row", "array", "within", "group", "partition", "order", "limit", "offset", "fetch", "like", "ilike", "similar",
        "escape", "cast", "extract", "position", "substring", "overlay", "trim", "coalesce", "nullif", "greatest", "least",
        "having", "returning", "only", "asc", "desc", "nulls", "first", "last", "rows", "range", "preceding", "following",
        "current", "unbounded", "interval", "at", "zone",
    ]

    static let typeNames: Set<String> = [
        "numeric", "decimal", "varchar", "char", "character", "timestamp", "timestamptz", "time", "timetz", "interval",
        "bit", "varbit", "float", "double", "varying",
    ]

    static let allowedFunctions: Set<String> = [
        // aggregates
        "sum", "count", "avg", "min", "max", "bool_and", "bool_or", "every", "string_agg", "array_agg", "jsonb_agg",
        "json_agg", "jsonb_object_agg", "json_object_agg", "percentile_cont", "percentile_disc", "mode", "stddev",
        "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp", "corr", "covar_pop", "covar_samp",
        "regr_slope", "regr_intercept", "bit_and", "bit_or",
        // window functions
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead", "first_value",
        "last_value", "nth_value",
        // conditionals and arithmetic
        "coalesce", "nullif", "greatest", "least", "num_nulls", "num_nonnulls", "abs", "ceil", "ceiling", "floor",
        "round", "trunc", "sqrt", "cbrt", "power", "pow", "exp", "ln", "log", "log10", "sign", "mod", "div",
        "width_bucket", "pi", "isfinite", "scale",
        // dates and times
        "now", "extract", "date_part", "date_trunc", "date_bin", "to_timestamp", "to_char", "to_date", "to_number",
        "make_interval", "make_timestamptz", "make_date", "age", "justify_interval", "justify_hours", "justify_days",
        "timezone", "clock_timestamp", "statement_timestamp", "transaction_timestamp",
        // strings
        "lower", "upper", "length", "char_length", "character_length", "octet_length", "substr", "substring", "left",
        "right", "trim", "btrim", "ltrim", "rtrim", "replace", "split_part", "concat", "concat_ws", "position", "strpos",
        "starts_with", "regexp_replace", "regexp_match", "regexp_matches", "regexp_split_to_array",
        "regexp_split_to_table", "initcap", "lpad", "rpad", "repeat", "reverse", "md5", "encode", "translate", "format",
        "quote_literal", "quote_ident",
        // arrays
        "array_length", "cardinality", "unnest", "array_position", "array_to_string", "string_to_array",
        "array_remove", "array_append", "array_lower", "array_upper",
        // JSON
        "jsonb_array_elements", "jsonb_array_elements_text", "json_array_elements", "json_array_elements_text",
        "jsonb_each", "jsonb_each_text", "json_each", "json_each_text", "jsonb_object_keys", "json_object_keys",
        "jsonb_array_length", "json_array_length", "jsonb_typeof", "json_typeof", "jsonb_extract_path",
        "jsonb_extract_path_text", "json_extract_path", "json_extract_path_text", "jsonb_build_object",
        "json_build_object", "jsonb_build_array", "json_build_array", "to_json", "to_jsonb", "jsonb_path_query",
        "jsonb_path_query_first", "jsonb_path_exists", "jsonb_strip_nulls", "row_to_json",
        // series and grouping
        "generate_series", "generate_subscripts", "grouping",
    ]
}

/// A lexer for PostgreSQL's syntax, just enough to tell words, quoted names, literals and
/// punctuation apart: comments are dropped, strings (`'...'`, `E'...'`, `$tag$...$tag$`) are one token.
enum SQLTokenizer {
    struct Token {
        enum Kind { case word, quotedIdentifier, literal, number, punctuation }
        var kind: Kind
        var text: String
        var lowered: String { text.lowercased() }
    }

    static func tokens(of sql: String) throws -> [Token] {
        let s = Array(sql.unicodeScalars)
        var tokens: [Token] = []
        var i = 0
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(s[range])) }
        func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isIdentifierPart(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || ("0"..."9").contains(c) || c == "$" }
        while i < s.count {
            let c = s[i]
            if c.properties.isWhitespace { i += 1; continue }
            if c == "-", i + 1 < s.count, s[i + 1] == "-" {
                while i < s.count, s[i] != "\n" { i += 1 }
                continue
            }
            if c == "/", i + 1 < s.count, s[i + 1] == "*" {
                var depth = 1
                i += 2
                while i < s.count, depth > 0 {
                    if s[i] == "/", i + 1 < s.count, s[i + 1] == "*" { depth += 1; i += 2 }
                    else if s[i] == "*", i + 1 < s.count, s[i + 1] == "/" { depth -= 1; i += 2 }
                    else { i += 1 }
                }
                guard depth == 0 else { throw VigilError(.invalidInput, "an unterminated /* comment") }
                continue
            }
            if c == "'" || ((c == "E" || c == "e") && i + 1 < s.count && s[i + 1] == "'") {
                let backslashEscapes = c != "'"
                let start = i
                i += backslashEscapes ? 2 : 1
                var closed = false
                while i < s.count {
                    if backslashEscapes, s[i] == "\\" { i += 2; continue }
                    if s[i] == "'" {
                        if i + 1 < s.count, s[i + 1] == "'" { i += 2; continue }
                        i += 1
                        closed = true
                        break
                    }
                    i += 1
                }
                guard closed else { throw VigilError(.invalidInput, "an unterminated string literal") }
                tokens.append(Token(kind: .literal, text: text(start..<i)))
                continue
            }
            if c == "\"" {
                var name = ""
                i += 1
                var closed = false
                while i < s.count {
                    if s[i] == "\"" {
                        if i + 1 < s.count, s[i + 1] == "\"" { name.unicodeScalars.append("\""); i += 2; continue }
                        i += 1
                        closed = true
                        break
                    }
                    name.unicodeScalars.append(s[i])
                    i += 1
                }
                guard closed else { throw VigilError(.invalidInput, "an unterminated quoted identifier") }
                tokens.append(Token(kind: .quotedIdentifier, text: name))
                continue
            }
            if c == "$" {
                // A dollar-quoted string: $$...$$ or $tag$...$tag$.
                var j = i + 1
                while j < s.count, s[j] != "$", isIdentifierPart(s[j]) { j += 1 }
                if j < s.count, s[j] == "$", j == i + 1 || isIdentifierStart(s[i + 1]) {
                    let delimiter = Array(s[i...j])
                    var k = j + 1
                    var end: Int?
                    while k + delimiter.count <= s.count {
                        if Array(s[k..<(k + delimiter.count)]) == delimiter { end = k; break }
                        k += 1
                    }
                    guard let end else { throw VigilError(.invalidInput, "an unterminated dollar-quoted string") }
                    tokens.append(Token(kind: .literal, text: text(i..<(end + delimiter.count))))
                    i = end + delimiter.count
                    continue
                }
            }
            if isIdentifierStart(c) {
                let start = i
                while i < s.count, isIdentifierPart(s[i]) { i += 1 }
                tokens.append(Token(kind: .word, text: text(start..<i)))
                continue
            }
            if ("0"..."9").contains(c) {
                let start = i
                while i < s.count, ("0"..."9").contains(s[i]) || s[i] == "." || s[i] == "e" || s[i] == "E" { i += 1 }
                tokens.append(Token(kind: .number, text: text(start..<i)))
                continue
            }
            if c == ":", i + 1 < s.count, s[i + 1] == ":" {
                tokens.append(Token(kind: .punctuation, text: "::"))
                i += 2
                continue
            }
            tokens.append(Token(kind: .punctuation, text: String(c)))
            i += 1
        }
        return tokens
    }
}
