/* amigov report: findings table (filter, search, sort, pages), row details with commands, copy buttons.
   All data arrives as JSON in #findings-data and reaches the page through textContent only: nothing
   from the data is ever parsed as HTML. */
(function () {
  'use strict';
  var dataEl = document.getElementById('findings-data');
  var data = JSON.parse(dataEl.textContent || '{}');
  var SEV = data.severities || [];
  var rules = data.rules || [];
  var accounts = data.accounts || [];
  var rows = data.rows || [];
  // Row layout, see tableData() in src/report/html.ts.
  var ID = 0, SEVI = 1, RULE = 2, ACCT = 3, REGION = 4, STATUS = 5, RTYPE = 6, RES = 7, IMG = 8, IMGNAME = 9,
      OWNER = 10, ALIAS = 11, BLOCKED = 12, MSG = 13, CHANGE = 14, TAGS = 15, DETAILS = 16, CMDS = 17, TITLE = 18, WHY = 19,
      AGE = 20, OVERDUE = 21, HIST = 22, WAIVER = 23;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmt(n) { return Number(n).toLocaleString('en-US'); }

  // ---------- copy buttons (remediation script + per-finding commands) ----------
  function copyText(text, button) {
    function done(ok) {
      var label = button.getAttribute('data-label') || button.textContent;
      button.setAttribute('data-label', label);
      button.textContent = ok ? 'Copied' : 'Select and copy';
      if (ok) button.classList.add('copied');
      setTimeout(function () { button.textContent = label; button.classList.remove('copied'); }, 1600);
    }
    function fallback() {
      var ta = el('textarea');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.className = 'sr-only';
      document.body.appendChild(ta);
      ta.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(ta);
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }
  document.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var btn = t.closest('button.copy');
    if (btn) {
      var target = btn.getAttribute('data-copy-target');
      var source = target ? document.getElementById(target) : btn.parentNode.querySelector('pre');
      if (source) copyText(source.textContent || '', btn);
      ev.stopPropagation();
      return;
    }
    var f = t.closest('[data-filter]');
    if (f && table) {
      table.applyFilter(f.getAttribute('data-filter'), f.getAttribute('data-value') || '');
    }
  });

  // ---------- findings table ----------
  var tbody = $('findings-body');
  var table = null;
  if (tbody) table = makeTable();

  function makeTable() {
    var compared = !!data.compared;
    var ctl = {
      search: $('f-search'), account: $('f-account'), region: $('f-region'), rule: $('f-rule'),
      severity: $('f-severity'), change: $('f-change'), reset: $('f-reset'),
      prev: $('p-prev'), next: $('p-next'), info: $('p-info'), size: $('p-size'), status: $('table-status')
    };
    var state = { page: 0, size: Number(ctl.size.value) || 50, sortKey: 'severity', sortDir: 1, open: null };
    var view = [];
    var haystack = null; // lowercased search text per row, built on first search

    function accountOf(r) { return accounts[r[ACCT]] || { id: '', name: '' }; }
    function ruleOf(r) { return rules[r[RULE]] || { id: '', title: '' }; }
    function buildHaystack() {
      haystack = new Array(rows.length);
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i], a = accountOf(r);
        var parts = [r[ID], ruleOf(r).id, a.id, a.name, a.owner || '', r[REGION], r[RES], r[IMG], r[IMGNAME], r[OWNER], r[ALIAS], r[MSG], r[STATUS], r[TITLE]];
        if (r[TAGS]) for (var k in r[TAGS]) parts.push(k + '=' + r[TAGS][k]);
        haystack[i] = parts.join('\u0001').toLowerCase();
      }
    }
    // Sort keys: plain values compared with < and >, which is fast at 50,000 rows (localeCompare is not).
    var keyFns = {
      severity: function (r) { return r[SEVI]; },
      rule: function (r) { return ruleOf(r).id; },
      account: function (r) { var a = accountOf(r); return ((a.name || '') + ' ' + a.id).toLowerCase(); },
      region: function (r) { return r[REGION]; },
      resource: function (r) { return r[RES]; },
      image: function (r) { return String(r[IMGNAME] || r[IMG]).toLowerCase(); },
      change: function (r) { return r[CHANGE]; },
      message: function (r) { return String(r[MSG]).toLowerCase(); }
    };

    function compute() {
      var q = ctl.search.value.trim().toLowerCase();
      var acc = ctl.account.value, reg = ctl.region.value, rule = ctl.rule.value, sev = ctl.severity.value;
      var chg = ctl.change ? ctl.change.value : '';
      var sevIdx = sev ? SEV.indexOf(sev) : -1;
      if (q && !haystack) buildHaystack();
      var out = [];
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        if (compared) {
          var c = r[CHANGE];
          if (chg === '') { if (c === 'resolved' || c === 'not-rechecked') continue; }
          else if (chg !== '*' && c !== chg) continue;
        }
        if (acc && accountOf(r).id !== acc) continue;
        if (reg && r[REGION] !== reg) continue;
        if (rule && ruleOf(r).id !== rule) continue;
        if (sevIdx >= 0 && r[SEVI] !== sevIdx) continue;
        if (q && haystack[i].indexOf(q) === -1) continue;
        out.push(i);
      }
      var fn = keyFns[state.sortKey] || keyFns.severity, dir = state.sortDir;
      var keys = new Array(rows.length);
      for (var j = 0; j < out.length; j++) keys[out[j]] = fn(rows[out[j]]);
      out.sort(function (a, b) {
        var x = keys[a], y = keys[b];
        if (x < y) return -dir;
        if (x > y) return dir;
        // ties: severity, then id, so the order is stable and meaningful
        return rows[a][SEVI] - rows[b][SEVI] || (rows[a][ID] < rows[b][ID] ? -1 : rows[a][ID] > rows[b][ID] ? 1 : 0);
      });
      view = out;
      var pages = Math.max(1, Math.ceil(view.length / state.size));
      if (state.page >= pages) state.page = pages - 1;
    }

    function cell(tr, main, sub, cls) {
      var td = el('td', cls);
      if (main instanceof Node) td.appendChild(main); else td.appendChild(document.createTextNode(main || ''));
      if (sub) td.appendChild(el('span', 'sub', sub));
      td.title = (main instanceof Node ? main.textContent : main || '') + (sub ? '\n' + sub : '');
      tr.appendChild(td);
    }

    function renderDetail(r) {
      var tr = el('tr', 'detail');
      var td = el('td');
      td.colSpan = compared ? 8 : 7;
      var dl = el('dl', 'detail-grid');
      function add(k, v) { if (v === '' || v === undefined || v === null) return; dl.appendChild(el('dt', null, k)); dl.appendChild(el('dd', null, v)); }
      var a = accountOf(r), rule = ruleOf(r);
      add('Finding', r[ID]);
      add('Rule', rule.id + ' — ' + r[TITLE]);
      add('Status', r[STATUS]);
      add('Message', r[MSG]);
      add('Account', (a.name ? a.name + ' ' : '') + a.id);
      add('Owner', a.owner);
      add('OU path', a.ou);
      add('Region', r[REGION]);
      add('Resource', r[RTYPE] + ' ' + r[RES]);
      add('Image', r[IMG] + (r[IMGNAME] ? ' (' + r[IMGNAME] + ')' : ''));
      add('Image owner', r[OWNER] + (r[ALIAS] ? ' (' + r[ALIAS] + ')' : ''));
      add('Blocked by', r[BLOCKED]);
      if (r[CHANGE]) add('Change', r[CHANGE]);
      if (r[WHY]) add('Not re-checked because', r[WHY]);
      if (r[HIST]) add('History', r[HIST]);
      if (r[WAIVER]) add('Waiver', r[WAIVER]);
      var k;
      if (r[TAGS]) for (k in r[TAGS]) add('Tag ' + k, r[TAGS][k]);
      if (r[DETAILS]) for (k in r[DETAILS]) add(k, r[DETAILS][k] === null ? '' : String(r[DETAILS][k]));
      td.appendChild(dl);
      var cmds = r[CMDS] || [];
      if (!cmds.length) td.appendChild(el('p', 'muted small', 'No commands for this finding.'));
      for (var i = 0; i < cmds.length; i++) {
        var c = cmds[i];
        var box = el('div', 'cmd');
        var title = el('div', 'cmd-title');
        title.appendChild(el('span', 'cmd-kind cmd-kind-' + c[2], c[2]));
        title.appendChild(document.createTextNode((i + 1) + '. ' + c[0]));
        if (c[3]) title.appendChild(el('span', 'cmd-review', 'needs review'));
        box.appendChild(title);
        var block = el('div', 'codeblock');
        var btn = el('button', 'copy', 'Copy');
        btn.type = 'button';
        btn.setAttribute('aria-label', 'Copy command ' + (i + 1));
        block.appendChild(btn);
        var pre = el('pre');
        pre.appendChild(el('code', null, c[1]));
        block.appendChild(pre);
        box.appendChild(block);
        td.appendChild(box);
      }
      tr.appendChild(td);
      return tr;
    }

    function render() {
      var start = state.page * state.size;
      var end = Math.min(view.length, start + state.size);
      var frag = document.createDocumentFragment();
      for (var p = start; p < end; p++) {
        var idx = view[p], r = rows[idx], a = accountOf(r), rule = ruleOf(r);
        var tr = el('tr', 'frow' + (r[CHANGE] === 'resolved' || r[CHANGE] === 'not-rechecked' ? ' resolved' : '') + (r[OVERDUE] ? ' overdue' : '') + (state.open === idx ? ' open' : ''));
        tr.tabIndex = 0;
        tr.setAttribute('data-row', String(idx));
        tr.setAttribute('aria-expanded', state.open === idx ? 'true' : 'false');
        cell(tr, el('span', 'badge badge-' + SEV[r[SEVI]], SEV[r[SEVI]]), [r[STATUS] !== 'fail' ? r[STATUS] : '', r[OVERDUE] ? 'overdue' : '', r[AGE] !== '' && r[AGE] !== undefined ? r[AGE] + ' d' : ''].filter(Boolean).join(' · '));
        cell(tr, rule.id);
        cell(tr, a.name || a.id, a.name ? a.id : '', 'c-account');
        cell(tr, r[REGION], '', 'mono');
        cell(tr, r[RES], r[RTYPE], 'mono');
        cell(tr, r[IMGNAME] || r[IMG], r[IMGNAME] ? r[IMG] : '', 'c-image');
        if (compared) cell(tr, el('span', 'chg chg-' + r[CHANGE], r[CHANGE]));
        cell(tr, r[MSG], '', 'c-message');
        frag.appendChild(tr);
        if (state.open === idx) frag.appendChild(renderDetail(r));
      }
      tbody.textContent = '';
      tbody.appendChild(frag);
      var pages = Math.max(1, Math.ceil(view.length / state.size));
      ctl.info.textContent = 'Page ' + fmt(state.page + 1) + ' of ' + fmt(pages);
      ctl.prev.disabled = state.page === 0;
      ctl.next.disabled = state.page >= pages - 1;
      ctl.status.textContent = view.length === 0
        ? 'No findings match these filters.'
        : 'Showing ' + fmt(start + 1) + '–' + fmt(end) + ' of ' + fmt(view.length) + ' matching findings' +
          (view.length !== rows.length ? ' (' + fmt(rows.length) + ' in the report)' : '') + '.';
      ctl.status.setAttribute('data-matching', String(view.length));
    }

    function refresh(resetPage) {
      if (resetPage) state.page = 0;
      compute();
      render();
    }

    var timer = null;
    ctl.search.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { refresh(true); }, 120);
    });
    [ctl.account, ctl.region, ctl.rule, ctl.severity, ctl.change].forEach(function (s) {
      if (s) s.addEventListener('change', function () { state.open = null; refresh(true); });
    });
    ctl.size.addEventListener('change', function () { state.size = Number(ctl.size.value) || 50; refresh(true); });
    ctl.prev.addEventListener('click', function () { if (state.page > 0) { state.page--; render(); } });
    ctl.next.addEventListener('click', function () { state.page++; refresh(false); });
    ctl.reset.addEventListener('click', function () {
      ctl.search.value = ''; ctl.account.value = ''; ctl.region.value = ''; ctl.rule.value = ''; ctl.severity.value = '';
      if (ctl.change) ctl.change.value = '';
      state.open = null;
      refresh(true);
    });

    var heads = document.querySelectorAll('#findings-table th[data-sort]');
    function paintSort() {
      for (var i = 0; i < heads.length; i++) {
        var h = heads[i];
        h.setAttribute('aria-sort', h.getAttribute('data-sort') === state.sortKey ? (state.sortDir > 0 ? 'ascending' : 'descending') : 'none');
      }
    }
    for (var i = 0; i < heads.length; i++) {
      heads[i].addEventListener('click', function (ev) {
        var key = ev.currentTarget.getAttribute('data-sort');
        if (state.sortKey === key) state.sortDir = -state.sortDir; else { state.sortKey = key; state.sortDir = 1; }
        paintSort();
        refresh(true);
      });
    }

    function toggle(tr) {
      var idx = Number(tr.getAttribute('data-row'));
      state.open = state.open === idx ? null : idx;
      render();
      var again = tbody.querySelector('tr[data-row="' + idx + '"]');
      if (again) again.focus();
    }
    tbody.addEventListener('click', function (ev) {
      var t = ev.target;
      if (!(t instanceof Element) || t.closest('tr.detail')) return;
      var tr = t.closest('tr.frow');
      if (tr) toggle(tr);
    });
    tbody.addEventListener('keydown', function (ev) {
      var t = ev.target;
      if ((ev.key === 'Enter' || ev.key === ' ') && t instanceof Element && t.matches('tr.frow')) {
        ev.preventDefault();
        toggle(t);
      }
    });

    paintSort();
    refresh(true);

    return {
      applyFilter: function (kind, value) {
        var map = { account: ctl.account, region: ctl.region, rule: ctl.rule, severity: ctl.severity, change: ctl.change };
        var s = map[kind];
        if (!s) return;
        ctl.search.value = '';
        ctl.account.value = ''; ctl.region.value = ''; ctl.rule.value = ''; ctl.severity.value = '';
        if (ctl.change) ctl.change.value = '';
        s.value = value;
        state.open = null;
        refresh(true);
        var sec = $('findings');
        if (sec && sec.scrollIntoView) sec.scrollIntoView({ block: 'start' });
      }
    };
  }
  document.documentElement.setAttribute('data-ready', 'true');
})();
