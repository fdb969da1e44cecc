/**
 * The report page's script (inlined with a nonce by `render.ts`). Plain ES2020 in a string so it needs no
 * bundling step and cannot pick up helpers from the bundler. It:
 * - turns clicks into messages for the extension (open a location, open a rule's doc, the four buttons);
 * - builds the rows of a group beyond the first N on "Show more" from the JSON data block (DOM APIs and
 *   textContent only, so report text is never parsed as HTML);
 * - keeps what the user expanded, collapsed and where they scrolled in the webview state, so the page is
 *   re-rendered as it was when the panel comes back (the panel does not retain its context when hidden).
 * Rows in the data block are arrays: [severity, rule, docPath, message, file, line, col, endLine, endCol,
 * fix ('safe'|'unsafe'|'advice'|'none'|'problem'), fixTitles, fixCount].
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : { postMessage: function () {}, getState: function () { return undefined; }, setState: function () {} };
  var state = vscode.getState() || {};
  state.shown = state.shown || {};
  state.collapsed = state.collapsed || {};
  var overflow = null;
  var CHUNK = Math.max(200, Number(document.body.getAttribute('data-rows-per-group')) || 25);

  function data() {
    if (overflow === null) {
      var el = document.getElementById('overflow-data');
      try { overflow = el ? JSON.parse(el.textContent || '{}') : {}; } catch (e) { overflow = {}; }
    }
    return overflow;
  }
  function save() { vscode.setState(state); }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // Same rendering as the server side: text between backticks is code.
  function message(td, text) {
    var parts = String(text).split('\x60');
    for (var i = 0; i < parts.length; i++) {
      if (i % 2 === 1 && i < parts.length - 1) td.appendChild(el('code', '', parts[i]));
      else td.appendChild(document.createTextNode(i % 2 === 1 ? '\x60' + parts[i] : parts[i]));
    }
  }
  function buildRow(r) {
    var sev = r[0], rule = r[1], doc = r[2], file = r[4], line = r[5];
    var tr = el('tr', 'row sev-' + sev);
    var td = el('td', 'sev'); var dot = el('i', 'dot sev-' + sev); dot.title = sev; td.appendChild(dot); tr.appendChild(td);
    td = el('td', 'rule');
    if (r[9] === 'problem') td.appendChild(el('span', 'code', rule));
    else {
      var a = el('a', '', rule); a.href = '#'; a.setAttribute('data-rule', rule); a.setAttribute('data-doc', doc);
      a.title = 'Open the documentation of ' + rule; td.appendChild(a);
    }
    tr.appendChild(td);
    td = el('td', 'msg'); message(td, r[3]); tr.appendChild(td);
    td = el('td', 'loc');
    var loc = el('a', 'loc-link', file + ':' + line); loc.href = '#';
    loc.setAttribute('data-file', file); loc.setAttribute('data-line', String(line)); loc.setAttribute('data-col', String(r[6]));
    if (r[7]) { loc.setAttribute('data-end-line', String(r[7])); loc.setAttribute('data-end-col', String(r[8])); }
    loc.title = 'Open ' + file + ' at line ' + line;
    td.appendChild(loc); tr.appendChild(td);
    td = el('td', 'fixcell');
    var fix = r[9];
    if (fix !== 'problem') {
      var label = fix === 'safe' ? 'safe fix' : fix === 'unsafe' ? 'unsafe fix' : fix === 'advice' ? 'advice' : 'manual';
      var badge = el('span', 'fix ' + fix, label + (r[11] > 1 ? ' +' + (r[11] - 1) : ''));
      if (r[10]) badge.title = r[10];
      td.appendChild(badge);
    }
    tr.appendChild(td);
    return tr;
  }

  // Shows rows of group id up to 'upTo' rows of its overflow; updates or removes its button.
  function showMore(id, upTo) {
    var rows = data()[id] || [];
    var group = document.getElementById(id);
    if (!group) return;
    var tbody = group.querySelector('tbody');
    var button = group.querySelector('button.more');
    var done = Number(group.getAttribute('data-shown') || '0');
    var end = Math.min(rows.length, upTo);
    if (end > done) {
      var frag = document.createDocumentFragment();
      for (var i = done; i < end; i++) frag.appendChild(buildRow(rows[i]));
      tbody.appendChild(frag);
      group.setAttribute('data-shown', String(end));
    }
    var hidden = rows.length - Math.max(end, done);
    if (!button) return;
    if (hidden <= 0) { button.remove(); return; }
    var next = Math.min(hidden, CHUNK);
    button.setAttribute('data-hidden', String(hidden));
    button.textContent = 'Show ' + next.toLocaleString('en-US') + ' more ';
    var sub = el('span', 'sub', '(' + hidden.toLocaleString('en-US') + ' hidden)');
    button.appendChild(sub);
  }

  var labels = { fixAll: 'Fixing…', rerun: 'Re-running…', exportMarkdown: 'Exporting…', exportSarif: 'Exporting…' };
  function setBusy(action, busy) {
    var buttons = document.querySelectorAll('button[data-action]');
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i];
      var a = b.getAttribute('data-action');
      if (busy && a === action) {
        b.setAttribute('data-label', b.innerHTML);
        b.textContent = labels[a] || '…';
        b.classList.add('busy');
      }
      if (!busy && b.hasAttribute('data-label')) { b.innerHTML = b.getAttribute('data-label'); b.removeAttribute('data-label'); b.classList.remove('busy'); }
      if (busy) b.setAttribute('aria-disabled', 'true'); else b.removeAttribute('aria-disabled');
    }
    document.body.classList.toggle('busy', !!busy);
  }

  function locationOf(node) {
    var msg = { type: 'open', file: node.getAttribute('data-file'), line: Number(node.getAttribute('data-line')), column: Number(node.getAttribute('data-col')) || 1 };
    if (node.hasAttribute('data-end-line')) { msg.endLine = Number(node.getAttribute('data-end-line')); msg.endColumn = Number(node.getAttribute('data-end-col')); }
    return msg;
  }

  document.addEventListener('click', function (event) {
    var t = event.target;
    if (!(t instanceof Element)) return;
    var node = t.closest('[data-action], [data-rule], [data-file], [data-group], [data-jump], tr.row');
    if (!node) return;
    if (node.matches('tr.row')) {
      var link = node.querySelector('[data-file]');
      if (!link || t.closest('a, button')) return;
      node = link;
    }
    event.preventDefault();
    if (node.hasAttribute('data-action')) {
      if (document.body.classList.contains('busy') || node.disabled) return;
      var action = node.getAttribute('data-action');
      setBusy(action, true);
      if (action === 'exportMarkdown') vscode.postMessage({ type: 'export', format: 'markdown' });
      else if (action === 'exportSarif') vscode.postMessage({ type: 'export', format: 'sarif' });
      else vscode.postMessage({ type: action });
    } else if (node.hasAttribute('data-rule')) {
      vscode.postMessage({ type: 'openDoc', rule: node.getAttribute('data-rule'), docPath: node.getAttribute('data-doc') || undefined });
    } else if (node.hasAttribute('data-file')) {
      vscode.postMessage(locationOf(node));
    } else if (node.hasAttribute('data-group')) {
      var id = node.getAttribute('data-group');
      var group = document.getElementById(id);
      var shown = Number(group && group.getAttribute('data-shown') || '0');
      state.shown[id] = shown + CHUNK;
      showMore(id, state.shown[id]);
      save();
    } else if (node.hasAttribute('data-jump')) {
      var target = document.getElementById(node.getAttribute('data-jump'));
      if (target) { if (target.tagName === 'DETAILS') target.open = true; target.scrollIntoView({ block: 'start' }); }
    }
  });

  document.addEventListener('toggle', function (event) {
    var d = event.target;
    if (!(d instanceof HTMLDetailsElement) || !d.id) return;
    if (d.open) delete state.collapsed[d.id]; else state.collapsed[d.id] = true;
    save();
  }, true);

  var scrollTimer = 0;
  window.addEventListener('scroll', function () {
    clearTimeout(scrollTimer);
    scrollTimer = setTimeout(function () { state.scrollY = window.scrollY; save(); }, 150);
  });

  window.addEventListener('message', function (event) {
    var m = event.data;
    if (m && m.type === 'done') setBusy(m.action, false);
  });

  // Restore what the user had open before the page was re-rendered.
  Object.keys(state.shown).forEach(function (id) { showMore(id, state.shown[id]); });
  Object.keys(state.collapsed).forEach(function (id) { var d = document.getElementById(id); if (d && d.tagName === 'DETAILS') d.open = false; });
  if (state.scrollY) window.scrollTo(0, state.scrollY);
})();
`;
