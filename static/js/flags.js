// Marks the cells the last autosave found far from the unit's own history
// (#save-status[data-flags]: cell id → why) and unmarks the others: the
// official sees the warning as they type (issue 18). A warning never
// blocks; the report page lists the flagged cells to explain.
(function () {
  'use strict';
  function markFlags() {
    var status = document.getElementById('save-status');
    if (!status || !status.hasAttribute('data-flags')) return;
    var flags = {};
    try { flags = JSON.parse(status.getAttribute('data-flags')) || {}; } catch (e) { flags = {}; }
    document.querySelectorAll('input.grid__input').forEach(function (el) {
      var why = flags[el.id];
      var td = el.closest('td');
      if (why) {
        td.classList.add('grid__cell--flagged');
        if (el.getAttribute('aria-invalid') !== 'true') el.title = why;
      } else if (td.classList.contains('grid__cell--flagged')) {
        td.classList.remove('grid__cell--flagged');
        if (el.getAttribute('aria-invalid') !== 'true') el.removeAttribute('title');
      }
    });
  }
  document.addEventListener('htmx:afterSettle', markFlags);
})();
