/**
 * The dashboard's one stylesheet, served from /assets/style.css (the CSP
 * allows no inline style or script): dense and readable like a good status
 * page, light and dark by prefers-color-scheme, one column on a phone.
 */
export const STYLE = `
:root { --bg: #f7f8fa; --card: #fff; --text: #1b1f24; --muted: #5d6670; --line: #dde1e6; --ok: #1a7f37; --bad: #cf222e;
  --warn: #9a6700; --accent: #0969da; --band-ok: #c7ecd1; --band-bad: #ffcecb; --band-warn: #fff1b8; --band-none: #e6e8eb; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --card: #161b22; --text: #e6edf3; --muted: #8d96a0; --line: #30363d; --ok: #3fb950; --bad: #f85149;
    --warn: #d29922; --accent: #4493f8; --band-ok: #1f4a2c; --band-bad: #5a1e1e; --band-warn: #4d3a0c; --band-none: #262c33; }
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--text); }
header { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: baseline; padding: 10px 20px; border-bottom: 1px solid var(--line);
  background: var(--card); }
header .app { font-weight: 700; font-size: 16px; }
nav a { margin-right: 12px; }
main { max-width: 1240px; margin: 0 auto; padding: 16px 20px 40px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
h1 { font-size: 20px; margin: 4px 0 12px; }
h2 { font-size: 15px; margin: 20px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card h3 { margin: 0 0 6px; font-size: 16px; display: flex; justify-content: space-between; gap: 8px; }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.kv dt { color: var(--muted); }
.kv dd { margin: 0; overflow-wrap: anywhere; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
.pill { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .warn { color: var(--warn); } .muted { color: var(--muted); }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
.scroll { overflow-x: auto; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 8px; margin-top: 10px; }
.figure { border-top: 1px solid var(--line); padding-top: 6px; }
.figure .value { font-size: 18px; font-weight: 700; }
.figure .how { color: var(--muted); font-size: 11.5px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { fill: var(--muted); font-size: 11px; }
.spark { stroke: var(--accent); fill: none; stroke-width: 1.5; }
.timeline .axis { stroke: var(--line); } .timeline .head { fill: var(--bad); }
.timeline .arrow { fill: none; stroke: var(--bad); stroke-width: 1.5; }
.dot.ok { fill: var(--ok); } .dot.bad { fill: var(--bad); } .dot.warn { fill: var(--warn); } .dot.muted { fill: var(--muted); }
.band.ok { fill: var(--band-ok); } .band.bad { fill: var(--band-bad); }
.band.warn { fill: var(--band-warn); } .band.none { fill: var(--band-none); }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 4px 0; font-size: 12px; max-height: 240px; overflow: auto; }
form.approve { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 10px; }
input { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--text); }
button { font: inherit; padding: 4px 14px; border-radius: 6px; border: 1px solid var(--ok); background: var(--ok); color: #fff;
  cursor: pointer; }
.pager { margin-top: 10px; }
@media (max-width: 640px) { main { padding: 10px; } .grid { grid-template-columns: 1fr; } header { padding: 8px 10px; } }
`;
