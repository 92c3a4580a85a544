// Hệ thống thông tin báo cáo: pasting a block copied from Excel or
// LibreOffice Calc (cells separated by tabs, rows by new lines) into the
// entry grid fills it from the focused cell across and down, as in a
// spreadsheet. Formula cells are computed by the server: they are skipped
// and the official is told. One change event asks for one autosave; the
// autosave's answer marks the cells with problems (markProblems below).
// Without this script a paste puts the text in the one cell, as before.
(function () {
  'use strict';

  // rows splits the clipboard text into rows of cells. A spreadsheet
  // quotes a cell that holds a tab, a new line or a quote.
  function rows(text) {
    var out = [], row = [], cell = '', quoted = false;
    text = text.replace(/\r\n?/g, '\n');
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"' && cell === '') quoted = true;
      else if (ch === '\t') { row.push(cell); cell = ''; }
      else if (ch === '\n') { row.push(cell); out.push(row); row = []; cell = ''; }
      else cell += ch;
    }
    if (cell !== '' || row.length) { row.push(cell); out.push(row); }
    return out;
  }

  function say(grid, message) {
    var form = grid.closest('form');
    var box = form && form.querySelector('[data-paste-status]');
    if (!box) {
      box = document.createElement('p');
      box.className = 'notice';
      box.setAttribute('role', 'status');
      box.setAttribute('data-paste-status', '');
      grid.parentNode.insertBefore(box, grid);
    }
    box.textContent = message;
  }

  document.addEventListener('paste', function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains('grid__input')) return;
    var text = (event.clipboardData || window.clipboardData).getData('text');
    if (!/[\t\n]/.test(text.replace(/[\r\n]+$/, ''))) return; // one value: the browser pastes it
    event.preventDefault();
    var block = rows(text);
    var td = input.closest('td');
    var tr = td.parentElement;
    var table = tr.closest('table');
    var col = td.cellIndex;
    var filled = 0, skipped = 0, outside = 0, last = null;
    for (var i = 0; i < block.length; i++) {
      for (var j = 0; j < block[i].length; j++) {
        var value = block[i][j].trim();
        var cell = tr && tr.cells[col + j];
        if (!cell) { if (value !== '') outside++; continue; }
        var target = cell.querySelector('input.grid__input');
        if (!target || target.readOnly || target.disabled) {
          if (value !== '' && (cell.querySelector('output') || target)) skipped++;
          else if (value !== '') outside++;
          continue;
        }
        if (target.value !== value) {
          target.value = value;
          last = target;
        }
        filled++;
      }
      tr = tr && tr.nextElementSibling;
      if (!tr && i < block.length - 1) {
        for (var k = i + 1; k < block.length; k++) block[k].forEach(function (v) { if (v.trim() !== '') outside++; });
        break;
      }
    }
    var parts = ['Đã dán ' + filled + ' ô.'];
    if (skipped) parts.push('Bỏ qua ' + skipped + ' ô tự tính theo công thức (hệ thống tự tính, không nhập được).');
    if (outside) parts.push(outside + ' giá trị nằm ngoài biểu nên không được dán.');
    say(table.closest('.grid-wrap') || table, parts.join(' '));
    if (last) {
      // grid:pasted keeps the browser's copy (report.js) without htmx's
      // delayed input trigger; one change event asks for one save.
      last.dispatchEvent(new Event('grid:pasted', { bubbles: true }));
      last.dispatchEvent(new Event('change', { bubbles: true }));
    }
  });

  // markProblems marks the cells the last autosave found problems in
  // (#save-status[data-problems]: cell id → message) and unmarks the rest.
  function markProblems() {
    var status = document.getElementById('save-status');
    if (!status || !status.hasAttribute('data-problems')) return;
    var problems = {};
    try { problems = JSON.parse(status.getAttribute('data-problems')) || {}; } catch (e) { problems = {}; }
    document.querySelectorAll('input.grid__input').forEach(function (el) {
      var msg = problems[el.id];
      var td = el.closest('td');
      if (msg) {
        el.setAttribute('aria-invalid', 'true');
        el.title = msg;
        td.classList.add('grid__cell--error');
      } else if (el.getAttribute('aria-invalid') === 'true') {
        el.removeAttribute('aria-invalid');
        el.removeAttribute('title');
        td.classList.remove('grid__cell--error');
      }
    });
  }
  document.addEventListener('htmx:afterSettle', markProblems);
})();
