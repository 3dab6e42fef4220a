extension HTML {
    /// Appends a table's `<thead>`: one column header per name, right-aligned (`class="num"`)
    /// where the column holds numbers.
    mutating func tableHead(_ columns: [(name: String, numeric: Bool)]) {
        element("thead") { html in
            html.element("tr") { html in
                for column in columns {
                    html.element("th", ["scope": "col", "class": column.numeric ? "num" : nil], column.name)
                }
            }
        }
    }
}
