/** The console's one stylesheet: system fonts, WCAG AA contrast, a layout that folds at tablet widths. */
export const CONSOLE_CSS = `
:root { --fg:#1b1f24; --muted:#4a5360; --bg:#ffffff; --panel:#f4f6f8; --line:#c9d1d9; --accent:#0a5bb5; --ok:#136c2e; --warn:#8a5300; --bad:#b0211b; --run:#0b5d78; }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline:3px solid #f0a000; outline-offset:2px; }
.skip { position:absolute; left:-999px; top:0; background:#fff; padding:.5rem; }
.skip:focus { left:.5rem; z-index:10; }
header.top { display:flex; flex-wrap:wrap; align-items:center; gap:.5rem 1.5rem; padding:.6rem 1rem; background:#12263f; color:#fff; }
header.top a { color:#fff; }
header.top .brand { font-weight:700; font-size:1.1rem; text-decoration:none; }
nav.main ul { display:flex; flex-wrap:wrap; gap:.25rem; list-style:none; margin:0; padding:0; }
nav.main a { display:block; padding:.35rem .7rem; border-radius:4px; text-decoration:none; }
nav.main a[aria-current="page"] { background:#fff; color:#12263f; font-weight:600; }
.who { margin-left:auto; display:flex; flex-wrap:wrap; align-items:center; gap:.5rem; font-size:.9rem; }
.who form { display:inline; margin:0; }
.lang button { background:transparent; color:#fff; border:1px solid #8fa3bd; padding:.15rem .45rem; border-radius:4px; cursor:pointer; font:inherit; }
.lang button[aria-pressed="true"] { background:#fff; color:#12263f; }
.who .signout { background:transparent; color:#fff; border:1px solid #8fa3bd; border-radius:4px; padding:.15rem .5rem; font:inherit; cursor:pointer; }
main { padding:1rem; max-width:1400px; margin:0 auto; }
h1 { font-size:1.5rem; margin:.2rem 0 .4rem; }
p.intro { color:var(--muted); margin-top:0; }
fieldset.filters { border:1px solid var(--line); border-radius:6px; padding:.6rem .8rem; display:grid; grid-template-columns:repeat(auto-fill, minmax(11rem, 1fr)); gap:.6rem; }
fieldset.filters legend { font-weight:600; padding:0 .3rem; }
label { display:block; font-size:.9rem; font-weight:600; }
input, select, button { font:inherit; }
input[type=text], input[type=password], input[type=datetime-local], select { width:100%; padding:.35rem .45rem; border:1px solid #6b7683; border-radius:4px; background:#fff; color:var(--fg); }
label.check { display:flex; gap:.4rem; align-items:center; font-weight:400; }
.actions-row { display:flex; gap:.5rem; align-items:end; }
button.primary, button.secondary, a.button { padding:.4rem .8rem; border-radius:4px; border:1px solid var(--accent); cursor:pointer; text-decoration:none; display:inline-block; }
button.primary { background:var(--accent); color:#fff; }
button.secondary, a.button { background:#fff; color:var(--accent); }
.table-wrap { overflow-x:auto; margin-top:.8rem; border:1px solid var(--line); border-radius:6px; }
table { border-collapse:collapse; width:100%; font-size:.92rem; }
th, td { text-align:left; padding:.45rem .55rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--panel); position:sticky; top:0; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.85rem; overflow-wrap:anywhere; min-width:6rem; }
.status { display:inline-block; padding:.05rem .45rem; border-radius:999px; font-weight:600; font-size:.85rem; border:1px solid currentColor; white-space:nowrap; }
.status.done, .status.completed { color:var(--ok); }
.status.running { color:var(--run); }
.status.needs-attention, .status.failed, .status.terminated, .status.timed_out { color:var(--bad); }
.status.skipped, .status.canceled { color:var(--warn); }
.reason { max-width:34rem; }
.state.ok { color:var(--ok); font-weight:600; }
.state.bad { color:var(--bad); font-weight:600; }
th[scope="row"] { background:transparent; position:static; }
.decide { display:flex; flex-wrap:wrap; gap:.35rem; align-items:flex-start; }
.decide form { margin:0; }
.decide details summary { cursor:pointer; color:var(--accent); padding:.3rem 0; }
.decide details form { display:flex; flex-direction:column; gap:.3rem; margin-top:.3rem; min-width:14rem; }
.answer { margin:.6rem 0; padding:.6rem .8rem; border-radius:6px; border:1px solid var(--line); background:var(--panel); }
.answer.ok { border-color:var(--ok); }
.answer.bad { border-color:var(--bad); }
.pager { display:flex; gap:.6rem; margin:.8rem 0; }
.muted { color:var(--muted); font-size:.88rem; }
.card { border:1px solid var(--line); border-radius:6px; padding:.8rem 1rem; margin:.8rem 0; }
.card h2 { font-size:1.1rem; margin:0 0 .4rem; }
progress { width:100%; height:1.1rem; }
dl.counts { display:grid; grid-template-columns:repeat(auto-fill, minmax(8rem,1fr)); gap:.3rem 1rem; margin:.5rem 0; }
dl.counts dt { font-size:.85rem; color:var(--muted); }
dl.counts dd { margin:0; font-weight:600; font-size:1.05rem; }
.signin { max-width:22rem; margin:3rem auto; }
.signin form { display:flex; flex-direction:column; gap:.7rem; }
.meter { display:flex; align-items:center; gap:.5rem; }
.meter meter { width:8rem; }
@media (max-width: 1000px) {
  .who { margin-left:0; } main { padding:.6rem; }
  table.stack thead { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display:block; width:100%; }
  table.stack tr { border-bottom:2px solid var(--line); padding:.4rem 0; }
  table.stack td { border:0; padding:.2rem .6rem; display:grid; grid-template-columns:9rem 1fr; gap:.5rem; }
  table.stack td::before { content:attr(data-label); font-weight:600; color:var(--muted); }
  table.stack td:has(> div:empty) { display:none; }
  table.stack caption { display:block; }
  table.stack .status { justify-self:start; }
  .reason { max-width:none; }
}
`;
