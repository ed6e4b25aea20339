namespace BuzzKeyMgmt.Engine.Reporting;

/// <summary>
/// The report's inline style and script. Both are constants: no report value is ever written into them (the script
/// reads the findings table's text from the DOM).
/// </summary>
internal static class ReportAssets
{
    /// <summary>Short class names keep 10,000 rows small: p/f/n = pass/fail/not applicable, k = key cell, num = number,
    /// nw = no wrap, v = verdict line, m = metadata list, cols = side-by-side sections; findings columns ck/cs/cd/ct = key,
    /// state, days, tags (a fixed table layout: the browser lays out 10,000 rows without measuring every cell); chart:
    /// b = bar, ok/old/nv = within policy, older, never, c = count, l = label.</summary>
    public const string Style = """

:root{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1b1b1b;background:#fff}
body{margin:0 auto;padding:16px 24px 40px;max-width:1500px}
h1{font-size:24px;margin:0 0 6px}
h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;border-bottom:2px solid #d0d7de}
nav,footer{color:#555;font-size:13px}
footer{margin-top:24px;border-top:1px solid #d0d7de;padding-top:8px}
a{color:#0b57d0}
dl.m{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:8px 0}
dt{color:#555}
dd{margin:0}
code{font:12px/1.3 ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
small,.x{color:#555}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eef1f4;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.p,.card.p{background:#e4f4e8}
td.f,.card.f,tr.f td{background:#fde2df}
td.n{color:#5f6368}
.v{font-weight:600;padding:8px 12px;border-radius:6px;border-left:6px solid}
.v.p{background:#e4f4e8;border-color:#2e7d32}
.v.f{background:#fde2df;border-color:#c62828}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:10px 0}
.card{border:1px solid #d0d7de;border-radius:6px;padding:6px 16px;min-width:120px;color:#444}
.card span{display:block;font-size:28px;font-weight:700;color:#1b1b1b}
.k b,.k code,.k span{display:block}
.k span{color:#444;font-size:12px}
.nw{white-space:nowrap}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:0 32px}
#findings{font-size:12.5px;table-layout:fixed}
#findings td{overflow-wrap:anywhere}
#findings .ck{width:250px}
#findings .cs{width:116px}
#findings .cd{width:66px}
#findings .ct{width:120px}
#filterbar{position:sticky;top:0;z-index:1;background:#fff;padding:8px 0;display:flex;gap:16px;align-items:center;border-bottom:1px solid #d0d7de}
#filter{font:inherit;padding:3px 6px;width:320px}
#rotation-chart{max-width:100%;height:auto;font-size:14px}
#rotation-chart text{text-anchor:middle;fill:#1b1b1b}
#rotation-chart .c{font-weight:700}
#rotation-chart .ok rect{fill:#2e7d32}
#rotation-chart .old rect{fill:#c62828}
#rotation-chart .nv rect{fill:#80868b}
#rotation-chart .ax{stroke:#1b1b1b}
#policy-line line{stroke:#b26a00;stroke-width:2;stroke-dasharray:6 4}
#policy-line .pl{fill:#b26a00;font-weight:700}
#policy-line .pw{text-anchor:end;fill:#2e7d32;font-size:12px}
#policy-line .po{text-anchor:start;fill:#c62828;font-size:12px}
[hidden]{display:none!important}
@media print{#filterbar{display:none!important}body{max-width:none}}

""";

    /// <summary>The findings filter: every typed word must occur in the row's text (case-insensitive); "failing keys only"
    /// keeps data-status="Fail" rows; a #filter=words fragment pre-fills the box. Without script the bar stays hidden and
    /// every row shows. Sets data-ready="true" on body once initialised.</summary>
    public const string Script = """

(function () {
  'use strict';
  var table = document.getElementById('findings');
  var bar = document.getElementById('filterbar');
  if (table && bar && table.tBodies.length) {
    var box = document.getElementById('filter');
    var failOnly = document.getElementById('only-fail');
    var shown = document.getElementById('shown');
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    var apply = function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var onlyFail = failOnly.checked, n = 0;
      for (var i = 0; i < rows.length; i++) {
        var ok = !onlyFail || rows[i].getAttribute('data-status') === 'Fail';
        for (var j = 0; ok && j < words.length; j++) ok = texts[i].indexOf(words[j]) >= 0;
        if (rows[i].hidden === ok) rows[i].hidden = !ok;
        if (ok) n++;
      }
      shown.textContent = n + ' of ' + rows.length + ' keys shown';
    };
    var timer = 0;
    box.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, rows.length > 2000 ? 150 : 0); });
    failOnly.addEventListener('change', apply);
    if (location.hash.indexOf('#filter=') === 0) {
      try { box.value = decodeURIComponent(location.hash.slice(8)); } catch (e) { box.value = ''; }
    }
    bar.hidden = false;
    apply();
  }
  document.body.setAttribute('data-ready', 'true');
})();

""";
}
