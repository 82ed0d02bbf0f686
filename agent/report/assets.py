"""The report's inline stylesheet and script (no external assets: the page must work offline)."""

from __future__ import annotations

CSS = """
:root { --fg:#1d2330; --muted:#5d6575; --line:#d9dde5; --bg:#f6f7f9; --card:#fff; --accent:#2f5fd0;
  --high:#b3261e; --medium:#c46a00; --low:#5d6575; --ok:#1b7a3a; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--fg);
  background:var(--bg); }
header, main { max-width:1200px; margin:0 auto; padding:0 16px; }
header h1 { margin:16px 0 4px; font-size:22px; }
.muted { color:var(--muted); }
nav.top { position:sticky; top:0; z-index:5; background:var(--bg); border-bottom:1px solid var(--line);
  padding:8px 16px; display:flex; flex-wrap:wrap; gap:8px 16px; align-items:center; }
nav.top a { color:var(--accent); text-decoration:none; }
nav.top input[type=search] { flex:1 1 260px; min-width:180px; padding:5px 8px; font:inherit; }
nav.top select { padding:4px; font:inherit; max-width:220px; }
section { margin:20px 0; }
h2 { font-size:18px; border-bottom:2px solid var(--line); padding-bottom:4px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill,minmax(150px,1fr)); gap:8px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:8px 10px; }
.card b { display:block; font-size:20px; }
table { border-collapse:collapse; width:100%; background:var(--card); }
th, td { border:1px solid var(--line); padding:4px 6px; text-align:left; vertical-align:top; }
th { background:#eef0f4; }  /* not sticky: inside .scroll (overflow-x) it would stick to the wrapper and cover rows */
.scroll { overflow-x:auto; }
article.ev { background:var(--card); border:1px solid var(--line); border-radius:6px; margin:10px 0; }
article.ev > details > summary { cursor:pointer; padding:8px 10px; display:flex; flex-wrap:wrap; gap:4px 12px; }
article.ev .body { padding:0 12px 12px; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit,minmax(380px,1fr)); gap:12px; }
.text { white-space:pre-wrap; word-wrap:break-word; background:#fbfbfc; border:1px solid var(--line);
  padding:8px; border-radius:4px; max-height:420px; overflow:auto; }
mark { background:none; padding:0 1px; border-radius:2px; }
mark.c { background:#fff1a8; }
mark.x { background:#ffd0cc; text-decoration:underline wavy var(--high); }
mark.c.x { background:#ffc58a; }
.badge { display:inline-block; padding:0 6px; border-radius:10px; font-size:12px; border:1px solid currentColor; }
.needs_review { color:var(--high); } .pass { color:var(--ok); }
.sev-high { color:var(--high); } .sev-medium { color:var(--medium); } .sev-low { color:var(--low); }
ul.flags { list-style:none; padding:0; margin:0; }
ul.flags > li { border-left:4px solid currentColor; padding:4px 8px; margin:6px 0; background:#fafafa; }
ul.flags > li .msg { color:var(--fg); }
.evidence { color:var(--fg); font-size:13px; margin:2px 0 0 12px; }
.evidence q { font-style:italic; }
td.off { background:#ffe3e0; font-weight:600; }
td.advice { color:#666; font-style:italic; }
textarea.feedback { width:100%; min-height:120px; font:inherit; padding:6px; }
button.copy { margin-top:4px; padding:4px 10px; font:inherit; cursor:pointer; }
.legend mark { margin-right:8px; }
.hidden { display:none !important; }
svg .lbl, svg .val { font:12px system-ui,sans-serif; fill:var(--fg); }
svg .track { fill:#eef0f4; } svg .bar { fill:var(--high); }
@media (max-width:700px) { .grid2 { grid-template-columns:1fr; } th { position:static; } }
@media print { nav.top { display:none; } details { display:block; } }
"""

JS = """
(function () {
  var q = document.getElementById('q'), who = document.getElementById('who'),
      kind = document.getElementById('kind'), only = document.getElementById('only'),
      count = document.getElementById('count');
  var items = Array.prototype.slice.call(document.querySelectorAll('[data-ev]'));
  function visible(el) {
    var text = (q.value || '').trim().toLowerCase();
    if (who.value && el.getAttribute('data-contributor') !== who.value) return false;
    if (kind.value && (' ' + el.getAttribute('data-flags') + ' ').indexOf(' ' + kind.value + ' ') < 0) return false;
    if (only.checked && el.getAttribute('data-verdict') !== 'needs_review') return false;
    return !text || el.textContent.toLowerCase().indexOf(text) >= 0;
  }
  function apply() {
    var shown = 0;
    items.forEach(function (el) {
      var ok = visible(el);
      el.classList.toggle('hidden', !ok);
      if (ok && el.tagName === 'ARTICLE') shown++;
    });
    count.textContent = shown + ' evaluation(s) shown';
  }
  [q, who, kind, only].forEach(function (el) { el.addEventListener('input', apply); });
  document.addEventListener('click', function (e) {
    var b = e.target.closest('button.copy');
    if (!b) return;
    var area = document.getElementById(b.getAttribute('data-target'));
    function done() { b.textContent = 'Copied'; setTimeout(function () { b.textContent = 'Copy'; }, 1500); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(area.value).then(done);
    } else { area.select(); document.execCommand('copy'); done(); }
  });
  apply();
})();
"""
