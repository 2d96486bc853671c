//! The page's own style sheet and script, inlined so that the report is one file that
//! opens offline: no external script, font or style.

/// The style sheet: screen and A4 print.
pub const CSS: &str = r#"
:root { --ok: #1a7f37; --no: #c62828; --open: #b26a00; --na: #6b7280; --ink: #1f2933; --rule: #d0d7de; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.6; }
h1 { font-size: 1.6em; margin: 0 0 .3em; } h2 { border-bottom: 2px solid var(--rule); padding-bottom: .2em; margin-top: 2em; }
h3 { margin: 1.2em 0 .4em; }
.meta { color: #4b5563; font-size: .95em; } .meta p { margin: .1em 0; }
.whatif { border: 2px solid var(--open); background: #fff7e6; padding: .6em 1em; margin: 1em 0; }
.reading { color: #4b5563; font-size: .92em; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4em 1.2em; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 1em 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: .6em 1em; min-width: 9em; }
.card b { display: block; font-size: 1.6em; }
.recognized, .met { color: var(--ok); } .not_recognized, .not_met { color: var(--no); }
.undetermined { color: var(--open); } .not_applicable { color: var(--na); }
table { border-collapse: collapse; width: 100%; font-size: .92em; }
th, td { border: 1px solid var(--rule); padding: .3em .5em; text-align: left; vertical-align: top; }
th { background: #f3f4f6; position: sticky; top: 0; }
th button { font: inherit; background: none; border: none; cursor: pointer; padding: 0; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
#town-table td:nth-child(2), #town-table td:nth-child(3) { white-space: nowrap; }
#town-table td:first-child { word-break: break-all; font-size: .85em; }
.filter { margin: .5em 0; } .filter input { font: inherit; padding: .2em .4em; width: 16em; }
figure { margin: 1em 0; display: flex; flex-direction: column-reverse; } figcaption { font-size: .95em; color: #374151; font-weight: bold; }
svg text { font-family: inherit; }
article.town, article.letter { border-top: 1px solid var(--rule); padding-top: .6em; margin-top: 1.4em; }
.lines { white-space: pre-wrap; font-size: .92em; margin: .3em 0 .3em 1em; }
.verdict { font-weight: bold; }
.letter { font-size: 1.05em; }
.letter h3 { text-align: center; font-size: 1.3em; }
.letter .sign { margin-top: 3em; display: grid; grid-template-columns: 1fr 1fr; gap: 1.2em 2em; }
.letter .stamp { text-align: right; margin-top: 2em; }
.draft { color: var(--no); font-weight: bold; }
.selftest { display: none; }
@media print {
  @page { size: A4; margin: 18mm 16mm; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav, .filter, th button::after { display: none; }
  th { position: static; }
  article.town, article.letter { break-before: page; border-top: none; }
  section { break-inside: auto; } figure, tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The script: sort the town table by a column and filter its rows. The page reads
/// completely without it. With `#selftest` in the address it checks itself (sorts,
/// filters) and writes the result into the page, for the browser test.
pub const JS: &str = r#"
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  var table = document.getElementById('town-table');
  if (!table) { return; }
  var body = table.tBodies[0];
  function key(row, col) { var c = row.cells[col]; return c ? (c.getAttribute('data-sort') || c.textContent) : ''; }
  function sortBy(col, numeric, descending) {
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col), r;
      if (numeric) { r = (parseFloat(x) || -Infinity) - (parseFloat(y) || -Infinity); } else { r = x.localeCompare(y, 'zh-CN'); }
      return descending ? -r : r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    var b = th.querySelector('button');
    if (!b) { return; }
    b.addEventListener('click', function () {
      var desc = th.getAttribute('aria-sort') === 'ascending';
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
      sortBy(col, th.getAttribute('data-type') === 'num', desc);
    });
  });
  var input = document.getElementById('town-filter');
  function filter(text) {
    var t = text.trim();
    Array.prototype.forEach.call(body.rows, function (r) { r.hidden = t !== '' && r.textContent.indexOf(t) < 0; });
  }
  if (input) {
    input.hidden = false;
    input.parentNode.hidden = false;
    input.addEventListener('input', function () { filter(input.value); });
  }
  if (location.hash === '#selftest') {
    var out = [];
    var buttons = table.tHead.querySelectorAll('button');
    buttons[0].click();
    var first = key(body.rows[0], 0), last = key(body.rows[body.rows.length - 1], 0);
    out.push('sorted ' + (first.localeCompare(last, 'zh-CN') <= 0 ? 'ok' : 'wrong'));
    buttons[0].click();
    out.push('reversed ' + (key(body.rows[0], 0) === last ? 'ok' : 'wrong'));
    var probe = body.rows[0].cells[1].textContent;
    filter(probe);
    var shown = Array.prototype.filter.call(body.rows, function (r) { return !r.hidden; }).length;
    out.push('filtered ' + shown + '/' + body.rows.length);
    filter('');
    out.push('errors ' + errors.length + (errors.length ? ': ' + errors.join(' | ') : ''));
    var pre = document.createElement('pre');
    pre.id = 'selftest-result';
    pre.className = 'selftest';
    pre.textContent = out.join('\n');
    document.body.appendChild(pre);
  }
})();
"#;
