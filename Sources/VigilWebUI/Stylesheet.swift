/// The web view's one stylesheet, served at `/ui/assets/vigil.css` (no external fonts or URLs),
/// and its icon at `/ui/assets/icon.svg`.
enum Stylesheet {
    /// The path the pages link to.
    static let path = "/ui/assets/vigil.css"
    /// The icon's path.
    static let iconPath = "/ui/assets/icon.svg"

    /// A small SVG icon: an eye-like mark, so browsers do not ask for /favicon.ico.
    static let icon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1e3a5f"/>\
        <path d="M4 16 Q16 4 28 16 Q16 28 4 16 Z" fill="#fff"/><circle cx="16" cy="16" r="5" fill="#1e3a5f"/></svg>
        """

    /// The CSS.
    static let css = """
        :root {
          --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --paper: #ffffff; --wash: #f5f7fa;
          --accent: #1e3a5f; --link: #0b5cad; --focus: #f59e0b; --bad: #b91c1c; --bad-wash: #fde8e8;
          --warn: #92400e; --warn-wash: #fef3c7; --good: #166534; --good-wash: #dcfce7;
        }
        * { box-sizing: border-box; }
        html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; font-size: 15px; color: var(--ink); background: var(--wash); }
        body { margin: 0; line-height: 1.45; }
        a { color: var(--link); }
        a:hover { text-decoration-thickness: 2px; }
        :focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
        .skip-link { position: absolute; left: -10000px; top: 0; background: var(--paper); color: var(--link); padding: 8px 14px; z-index: 10; border: 2px solid var(--focus); }
        .skip-link:focus { left: 8px; top: 8px; }
        .topbar { display: flex; align-items: center; gap: 24px; background: var(--accent); color: #fff; padding: 0 24px; min-height: 52px; flex-wrap: wrap; }
        .brand { font-weight: 700; font-size: 1.15rem; letter-spacing: 0.02em; }
        .topbar nav ul { list-style: none; display: flex; gap: 4px; margin: 0; padding: 0; }
        .topbar nav a { display: block; color: #fff; text-decoration: none; padding: 14px 12px; border-bottom: 3px solid transparent; }
        .topbar nav a:hover { background: rgba(255,255,255,0.12); }
        .topbar nav a[aria-current="page"] { border-bottom-color: var(--focus); font-weight: 600; }
        .topbar nav a:focus-visible, .topbar button:focus-visible { outline-color: var(--focus); outline-offset: -3px; }
        .session { margin-left: auto; display: flex; align-items: center; gap: 12px; font-size: 0.9rem; }
        .session form { margin: 0; }
        .session button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,0.6); border-radius: 4px; padding: 5px 10px; font: inherit; cursor: pointer; }
        main { display: block; max-width: 1240px; margin: 0 auto; padding: 20px 24px 40px; }
        main:focus { outline: none; }
        h1 { font-size: 1.6rem; margin: 6px 0 14px; }
        h2 { font-size: 1.2rem; margin: 28px 0 10px; }
        h3 { font-size: 1.02rem; margin: 18px 0 8px; }
        p.lede { color: var(--muted); margin-top: 0; }
        p.notice { background: var(--warn-wash); color: var(--warn); padding: 0.5rem 0.75rem; border-radius: 6px; }
        footer { max-width: 1240px; margin: 0 auto; padding: 12px 24px 32px; color: var(--muted); font-size: 0.85rem; }
        .panel { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 14px 16px; margin-bottom: 16px; }
        .ranges { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 0 0 14px; padding: 0; list-style: none; }
        .ranges a { display: inline-block; padding: 4px 10px; border: 1px solid var(--line); border-radius: 14px; background: var(--paper); text-decoration: none; }
        .ranges a[aria-current="true"] { background: var(--accent); color: #fff; border-color: var(--accent); }
        .totals { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 12px; margin: 0 0 16px; }
        .totals div { background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 0; }
        .totals dt { color: var(--muted); font-size: 0.85rem; }
        .totals dd { margin: 2px 0 0; font-size: 1.35rem; font-weight: 600; }
        .charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
        .chart-figure { margin: 0; background: var(--paper); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-width: 0; }
        .chart-title { font-weight: 600; margin-bottom: 6px; }
        svg.chart { display: block; width: 100%; height: auto; }
        svg.chart text { font-size: 11px; fill: var(--muted); }
        svg.chart .grid { stroke: #e4e7eb; stroke-width: 1; }
        svg.chart path.line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
        svg.chart path.area { stroke: none; opacity: 0.15; }
        .s0 { stroke: #2563eb; fill: #2563eb; background: #2563eb; } .s1 { stroke: #d97706; fill: #d97706; background: #d97706; }
        .s2 { stroke: #059669; fill: #059669; background: #059669; } .s3 { stroke: #c026d3; fill: #c026d3; background: #c026d3; }
        .s4 { stroke: #7c3aed; fill: #7c3aed; background: #7c3aed; } .s5 { stroke: #0891b2; fill: #0891b2; background: #0891b2; }
        .s6 { stroke: #be123c; fill: #be123c; background: #be123c; } .s7 { stroke: #4b5563; fill: #4b5563; background: #4b5563; }
        svg.chart path.line.s0, svg.chart path.line.s1, svg.chart path.line.s2, svg.chart path.line.s3,
        svg.chart path.line.s4, svg.chart path.line.s5, svg.chart path.line.s6, svg.chart path.line.s7 { fill: none; }
        svg.chart rect.bar.reference { fill: #94a3b8; } svg.chart rect.bar.current { fill: #d97706; }
        .swatch.reference { background: #94a3b8; } .swatch.current { background: #d97706; }
        svg.chart rect.stripe { fill: #f5f7fa; }
        svg.chart rect.bar.span { fill: #3b82f6; }
        svg.chart rect.bar.span.error { fill: var(--bad); }
        svg.chart a.span-row text.span-name { fill: var(--ink); font-size: 12px; }
        svg.chart a.span-row.error text.span-name { fill: var(--bad); font-weight: 600; }
        svg.chart a.span-row:hover rect.bar, svg.chart a.span-row:focus rect.bar { stroke: #111827; stroke-width: 2; }
        svg.chart a.span-row:focus { outline: 3px solid var(--focus); }
        svg.chart a.span-row:focus text.span-name { text-decoration: underline; }
        .legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 6px 0 0; padding: 0; font-size: 0.88rem; }
        .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
        .empty-chart, .empty { color: var(--muted); background: var(--wash); border: 1px dashed var(--line); border-radius: 6px; padding: 18px; margin: 0; }
        .table-wrap { overflow-x: auto; background: var(--paper); border: 1px solid var(--line); border-radius: 6px; }
        table { border-collapse: collapse; width: 100%; font-size: 0.92rem; }
        caption { text-align: left; padding: 8px 12px; font-weight: 600; }
        th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eef2f7; font-weight: 600; white-space: nowrap; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        tbody th { background: transparent; }
        tr.bad td, tr.bad th { background: var(--bad-wash); }
        td.nowrap { white-space: nowrap; }
        td.mono, code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.86rem; overflow-wrap: anywhere; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.82rem; font-weight: 600; }
        .badge.bad { background: var(--bad); color: #fff; } .badge.warn { background: var(--warn-wash); color: var(--warn); }
        .badge.good { background: var(--good-wash); color: var(--good); } .badge.plain { background: #e4e7eb; color: var(--ink); }
        .bad-text { color: var(--bad); font-weight: 600; }
        form.filters { display: flex; flex-wrap: wrap; gap: 12px 16px; align-items: flex-end; }
        form.filters div { display: flex; flex-direction: column; gap: 3px; }
        label { font-weight: 600; font-size: 0.88rem; }
        input, select { font: inherit; padding: 6px 8px; border: 1px solid #9aa5b1; border-radius: 4px; background: #fff; color: var(--ink); min-width: 8rem; }
        form.filters input[type="text"] { width: 11rem; }
        button.primary { font: inherit; background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: 7px 16px; cursor: pointer; }
        .error-box { background: var(--bad-wash); border: 1px solid var(--bad); color: var(--bad); border-radius: 6px; padding: 10px 14px; margin: 0 0 14px; font-weight: 600; }
        .login { max-width: 420px; margin: 48px auto; }
        .login form { display: flex; flex-direction: column; gap: 6px; }
        .login input { width: 100%; margin-bottom: 10px; }
        .pager { display: flex; gap: 16px; margin: 12px 0; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
        dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
        .components { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
        .component h3 { margin-top: 0; }
        details summary { cursor: pointer; color: var(--link); margin: 6px 0; }
        .span-detail { scroll-margin-top: 12px; }
        .span-detail:target { outline: 3px solid var(--focus); }
        """
}
