// Marks the cells the last autosave judged far from the unit's own
// history and unmarks those it judged ordinary (#save-status[data-flags]:
// cell id → why, "" for ordinary); the other cells keep their marks. The
// status line then says how many cells are marked: the official sees the
// warning as they type (issue 18). A warning never blocks; the report
// page lists the flagged cells to explain.
(function () {
  'use strict';
  function markFlags() {
    var status = document.getElementById('save-status');
    if (!status || !status.hasAttribute('data-flags') || status.hasAttribute('data-flags-marked')) return;
    status.setAttribute('data-flags-marked', '');
    var flags = {};
    try { flags = JSON.parse(status.getAttribute('data-flags')) || {}; } catch (e) { flags = {}; }
    Object.keys(flags).forEach(function (id) {
      var el = document.getElementById(id);
      var td = el && el.closest('td');
      if (!td) return;
      var why = flags[id];
      if (why) {
        td.classList.add('grid__cell--flagged');
        if (el.getAttribute('aria-invalid') !== 'true') el.title = why;
      } else if (td.classList.contains('grid__cell--flagged')) {
        td.classList.remove('grid__cell--flagged');
        if (el.getAttribute('aria-invalid') !== 'true') el.removeAttribute('title');
      }
    });
    var marked = document.querySelectorAll('td.grid__cell--flagged').length;
    if (marked > 0) {
      status.appendChild(document.createTextNode(' · ' + marked.toLocaleString('vi-VN') + ' ô khác thường so với các kỳ trước'));
    }
  }
  document.addEventListener('htmx:afterSettle', markFlags);
})();
