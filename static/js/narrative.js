// The narrative's live figures and drafted sentences, on the report page.
// - "Chèn số liệu" (toolbar of each section's editor, or Ctrl+Shift+F in
//   the editor) opens a dialog choosing a form, a row (grouped by the
//   form's headings, filterable) and a column; the figure goes in at the
//   caret as a span[data-figure] the official cannot type into.
// - Figures follow their cells: at once from what is typed in the grid,
//   then from the autosave's answer (#save-status[data-figures], the
//   server's formatting, formula cells included).
// - "Gợi ý nội dung" fetches a section's drafted sentences and shows them;
//   only the official's "Chèn vào mục" puts them in the editor.
// Plain ES2017, CSP-safe (no innerHTML, no inline style). Needs richtext.js.
(function () {
  'use strict';
  var form = document.querySelector('form[data-figure-forms]');
  if (!form) return;
  var catalogue = [];
  try { catalogue = JSON.parse(form.getAttribute('data-figure-forms')) || []; } catch (e) { catalogue = []; }
  var REF = /^[A-Za-z0-9_-]{1,40}\|[A-Za-z0-9_-]{1,40}\|[A-Za-z0-9_-]{1,20}$/; // richtext.ValidRef
  var MISSING = '[chưa có số liệu]'; // richtext.MissingText

  function make(tag, cls, attrs, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }
  function figure(ref, text) {
    var span = make('span', 'figure', { 'data-figure': ref, contenteditable: 'false' });
    show(span, text);
    return span;
  }
  function show(span, text) {
    text = (text || '').trim();
    span.textContent = text || MISSING;
    if (text) span.removeAttribute('data-missing'); else span.setAttribute('data-missing', '');
  }
  function cell(ref) { return document.getElementById('v.' + ref.split('|').join('.')); }
  function cellValue(ref) {
    var el = cell(ref);
    if (!el) return '';
    return (el.tagName === 'INPUT' ? el.value : el.textContent).trim();
  }
  function editors() {
    return Array.prototype.filter.call(document.querySelectorAll('.richtext--enhanced'), function (w) {
      return w.querySelector('textarea[data-figures]');
    });
  }
  function parts(wrap) { return { editor: wrap.querySelector('.richtext__editor'), textarea: wrap.querySelector('textarea') }; }

  // ---- Following the cells ----
  function follow(texts, silent) {
    editors().forEach(function (wrap) {
      var p = parts(wrap), changed = false;
      p.editor.querySelectorAll('span[data-figure]').forEach(function (span) {
        var ref = span.getAttribute('data-figure');
        if (!Object.prototype.hasOwnProperty.call(texts, ref)) return;
        var before = span.textContent;
        show(span, texts[ref]);
        changed = changed || before !== span.textContent;
      });
      // What the server stored already (silent): no new save for it.
      if (changed && silent) p.textarea.value = p.editor.innerHTML;
      else if (changed) p.editor.dispatchEvent(new Event('input'));
    });
  }
  document.addEventListener('input', function (e) {
    var el = e.target;
    if (!(el instanceof HTMLInputElement) || !el.classList.contains('grid__input') || el.id.indexOf('v.') !== 0) return;
    var ref = el.id.slice(2).split('.').join('|'), texts = {};
    texts[ref] = el.value;
    follow(texts, true);
  });
  document.addEventListener('htmx:afterSettle', function () {
    var status = document.getElementById('save-status');
    if (!status || !status.hasAttribute('data-figures')) return;
    try { follow(JSON.parse(status.getAttribute('data-figures')), true); } catch (err) { /* not ours */ }
  });

  // ---- Where the caret was in each editor ----
  var ranges = new WeakMap();
  document.addEventListener('selectionchange', function () {
    var sel = document.getSelection();
    if (!sel || !sel.rangeCount) return;
    var r = sel.getRangeAt(0), node = r.startContainer;
    var ed = (node.nodeType === 1 ? node : node.parentElement);
    ed = ed && ed.closest('.richtext__editor');
    if (ed) ranges.set(ed, r.cloneRange());
  });
  function insertAt(editor, nodes) {
    editor.focus();
    var sel = document.getSelection(), r = ranges.get(editor);
    if (!r || !editor.contains(r.startContainer)) {
      r = document.createRange();
      var last = editor.lastElementChild && editor.lastElementChild.nodeName === 'P' ? editor.lastElementChild : editor;
      if (last.lastChild && last.lastChild.nodeName === 'BR') last.removeChild(last.lastChild);
      r.selectNodeContents(last);
      r.collapse(false);
    }
    r.deleteContents();
    nodes.forEach(function (n) { r.insertNode(n); r.setStartAfter(n); r.collapse(true); });
    sel.removeAllRanges();
    sel.addRange(r);
    ranges.set(editor, r.cloneRange());
    editor.dispatchEvent(new Event('input')); // richtext.js syncs its textarea, autosave follows
  }

  // ---- The picker ----
  var dialog, target, chosen = {};
  function rowsOf(formKey) {
    var table = document.querySelector('table.grid[data-form="' + formKey + '"]');
    var groups = [], group = null;
    if (!table) return groups;
    table.querySelectorAll('tbody tr[data-row]').forEach(function (tr) {
      var label = tr.querySelector('.grid__label'), stt = tr.querySelector('.grid__stt');
      var text = ((stt ? stt.textContent.trim() + ' ' : '') + (label && label.firstChild ? label.firstChild.textContent.trim() : '')).trim();
      if (!tr.querySelector('input.grid__input, output')) { group = { label: text, rows: [] }; groups.push(group); return; }
      if (!group) { group = { label: '', rows: [] }; groups.push(group); }
      group.rows.push({ key: tr.getAttribute('data-row'), label: text });
    });
    return groups;
  }
  function build() {
    dialog = make('dialog', 'figure-dialog', { 'aria-labelledby': 'figure-dialog-title' });
    dialog.appendChild(make('h2', 'mt-0', { id: 'figure-dialog-title' }, 'Chèn số liệu từ biểu'));
    dialog.appendChild(make('p', 'hint', {}, 'Số liệu chèn vào tự cập nhật theo ô của biểu cho đến khi gửi báo cáo.'));
    function field(id, label, el) {
      var f = dialog.appendChild(make('div', 'field'));
      f.appendChild(make('label', 'label', { for: id }, label));
      el.id = id;
      f.appendChild(el);
      return el;
    }
    var formSel = field('figure-form', 'Biểu', make('select', 'select'));
    catalogue.forEach(function (f) { formSel.appendChild(make('option', '', { value: f.key }, f.title)); });
    if (catalogue.length < 2) formSel.parentNode.hidden = true;
    var find = field('figure-find', 'Tìm dòng', make('input', 'input', { type: 'search', autocomplete: 'off' }));
    var rowSel = field('figure-row', 'Dòng', make('select', 'select figure-dialog__rows', { size: '8' }));
    var colSel = field('figure-col', 'Cột', make('select', 'select'));
    var now = dialog.appendChild(make('p', 'figure-dialog__now', { 'aria-live': 'polite', id: 'figure-now' }));
    var actions = dialog.appendChild(make('div', 'actions'));
    var ok = actions.appendChild(make('button', 'btn', { type: 'button', id: 'figure-insert' }, 'Chèn'));
    var cancel = actions.appendChild(make('button', 'btn btn--secondary', { type: 'button' }, 'Hủy'));

    function fillRows() {
      var q = find.value.trim().toLowerCase().normalize('NFC');
      while (rowSel.firstChild) rowSel.removeChild(rowSel.firstChild);
      rowsOf(formSel.value).forEach(function (g) {
        var rows = g.rows.filter(function (r) { return !q || r.label.toLowerCase().normalize('NFC').indexOf(q) >= 0; });
        if (!rows.length) return;
        var parent = g.label ? rowSel.appendChild(make('optgroup', '', { label: g.label })) : rowSel;
        rows.forEach(function (r) { parent.appendChild(make('option', '', { value: r.key }, r.label)); });
      });
      if (rowSel.options.length) rowSel.selectedIndex = 0;
      fillCols();
    }
    function fillCols() {
      var keep = colSel.value;
      while (colSel.firstChild) colSel.removeChild(colSel.firstChild);
      var f = catalogue.filter(function (x) { return x.key === formSel.value; })[0];
      (f ? f.columns : []).forEach(function (c) {
        if (rowSel.value && cell(formSel.value + '|' + rowSel.value + '|' + c.code)) {
          colSel.appendChild(make('option', '', { value: c.code }, '(' + c.code + ') ' + c.label));
        }
      });
      if (keep) colSel.value = keep;
      if (colSel.selectedIndex < 0 && colSel.options.length) colSel.selectedIndex = 0;
      preview();
    }
    function ref() { return formSel.value + '|' + rowSel.value + '|' + colSel.value; }
    function preview() {
      var ready = REF.test(ref());
      ok.disabled = !ready;
      now.textContent = !ready ? 'Chọn dòng và cột.' : 'Giá trị hiện tại: ' + (cellValue(ref()) || 'ô đang trống');
    }
    formSel.addEventListener('change', fillRows);
    find.addEventListener('input', fillRows);
    rowSel.addEventListener('change', fillCols);
    colSel.addEventListener('change', preview);
    ok.addEventListener('click', function () {
      if (!REF.test(ref()) || !target) return;
      chosen = { form: formSel.value, col: colSel.value };
      var t = target;
      dialog.close();
      insertAt(t, [figure(ref(), cellValue(ref())), document.createTextNode('\u00a0')]);
    });
    cancel.addEventListener('click', function () { dialog.close(); });
    dialog.addEventListener('close', function () { if (target) target.focus(); });
    dialog.open_ = function () {
      if (chosen.form) formSel.value = chosen.form;
      find.value = '';
      fillRows();
      if (chosen.col) { colSel.value = chosen.col; preview(); }
      dialog.showModal();
      rowSel.focus();
    };
    document.body.appendChild(dialog);
  }
  function openPicker(editor) {
    // The caret now (selectionchange may not have reported the last keys yet).
    var sel = document.getSelection();
    if (sel && sel.rangeCount && editor.contains(sel.getRangeAt(0).startContainer)) ranges.set(editor, sel.getRangeAt(0).cloneRange());
    if (!dialog) build();
    target = editor;
    dialog.open_();
  }

  editors().forEach(function (wrap) {
    var p = parts(wrap), bar = wrap.querySelector('.richtext__toolbar');
    if (!bar || p.editor.getAttribute('contenteditable') !== 'true') return;
    var btn = bar.appendChild(make('button', 'btn btn--secondary btn--small richtext__figure',
      { type: 'button', 'aria-haspopup': 'dialog', 'aria-keyshortcuts': 'Control+Shift+F' }, 'Chèn số liệu'));
    btn.addEventListener('mousedown', function (e) { e.preventDefault(); });
    btn.addEventListener('click', function () { openPicker(p.editor); });
    p.editor.addEventListener('keydown', function (e) {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === 'f') { e.preventDefault(); openPicker(p.editor); }
    });
  });

  // ---- Drafted sentences ----
  document.querySelectorAll('.draft[data-draft]').forEach(function (box) {
    var ta = document.getElementById(box.getAttribute('data-draft-for'));
    var wrap = ta && ta.closest('.richtext--enhanced');
    if (!wrap) return;
    var editor = parts(wrap).editor, area = box.querySelector('.draft__box'), ask = box.querySelector('[data-draft-ask]');
    box.hidden = false;
    function paragraph(segs) {
      var p = make('p');
      segs.forEach(function (s) { p.appendChild(s.ref && REF.test(s.ref) ? figure(s.ref, s.text) : document.createTextNode(s.text)); });
      return p;
    }
    ask.addEventListener('click', function () {
      ask.disabled = true;
      while (area.firstChild) area.removeChild(area.firstChild);
      area.hidden = false;
      area.appendChild(make('p', 'hint', {}, 'Đang soạn gợi ý…'));
      fetch(box.getAttribute('data-draft'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
        .then(function (draft) {
          while (area.firstChild) area.removeChild(area.firstChild);
          if (!draft.paragraphs.length) { area.appendChild(make('p', '', {}, 'Các dòng của mục này chưa có số liệu để gợi ý.')); return; }
          area.appendChild(make('p', 'hint', {}, 'Gợi ý từ số liệu hiện có của báo cáo. Bấm "Chèn vào mục" để đưa vào nội dung rồi sửa tùy ý.'));
          if (draft.consolidated) area.appendChild(make('p', 'hint', {}, 'Một số số liệu lấy từ tổng hợp các báo cáo đã tiếp nhận, chưa có trong biểu của báo cáo này nên không tự cập nhật. Hãy điền biểu từ tổng hợp để số liệu đi theo ô.'));
          var preview = area.appendChild(make('div', 'draft__text'));
          draft.paragraphs.forEach(function (segs) { preview.appendChild(paragraph(segs)); });
          var actions = area.appendChild(make('div', 'actions'));
          var insert = actions.appendChild(make('button', 'btn btn--small', { type: 'button' }, 'Chèn vào mục'));
          var drop = actions.appendChild(make('button', 'btn btn--secondary btn--small', { type: 'button' }, 'Bỏ qua'));
          insert.addEventListener('click', function () {
            var empty = !editor.textContent.trim();
            if (empty) while (editor.firstChild) editor.removeChild(editor.firstChild);
            draft.paragraphs.forEach(function (segs) { editor.appendChild(paragraph(segs)); });
            editor.dispatchEvent(new Event('input'));
            area.hidden = true;
            editor.focus();
          });
          drop.addEventListener('click', function () { area.hidden = true; ask.focus(); });
          insert.focus();
        })
        .catch(function () {
          while (area.firstChild) area.removeChild(area.firstChild);
          area.appendChild(make('p', 'field-error', {}, 'Chưa lấy được gợi ý. Hãy thử lại.'));
        })
        .then(function () { ask.disabled = false; });
    });
  });
})();
