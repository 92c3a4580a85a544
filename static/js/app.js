// Hệ thống thông tin báo cáo tỉnh Khánh Hòa: small progressive enhancements, driven by
// data- attributes; pages work without them. Plain ES2017. Load with `defer`, after
// htmx.min.js. CSP (script-src/style-src 'self'): never touch element.style or add <style>.
(function () {
  'use strict';

  document.documentElement.classList.add('js');

  // Controls that need this script are rendered with `hidden`; reveal them.
  document.querySelectorAll('[data-copy][hidden], [data-toggle-password][hidden]').forEach(function (el) {
    el.hidden = false;
  });

  // A table that scrolls sideways (on a phone) takes the keyboard's focus,
  // so that it can be scrolled without a mouse.
  function focusableScrolls() {
    document.querySelectorAll('.table-wrap').forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) wrap.setAttribute('tabindex', '0');
      else if (wrap.getAttribute('tabindex') === '0' && !wrap.hasAttribute('aria-label')) wrap.removeAttribute('tabindex');
    });
  }
  focusableScrolls();
  window.addEventListener('resize', focusableScrolls);

  // [data-add-lines]: the designer's editors (outline, columns, rows) get a
  // blank line in the page, a copy of their last line (the page always ends
  // with blank ones) with the next index in its field names and in the
  // form's count n. Without this script the button posts the form back for
  // more blank lines. As a plain button it is no longer the form's default:
  // Enter in a field saves.
  document.querySelectorAll('[data-add-lines]').forEach(function (button) {
    var form = button.form;
    var body = form && form.querySelector('[data-lines]');
    var count = form && form.querySelector('input[name="n"]');
    if (!body || !count) return;
    button.type = 'button';
    button.addEventListener('click', function () {
      var lines = body.querySelectorAll('[data-line]');
      var last = lines[lines.length - 1];
      var n = parseInt(count.value, 10) || lines.length;
      var parts = [last];
      if (last.nextElementSibling && last.nextElementSibling.hasAttribute('data-line-more')) parts.push(last.nextElementSibling);
      var focus = null;
      parts.forEach(function (part) {
        var copy = part.cloneNode(true);
        copy.querySelectorAll('[name]').forEach(function (el) {
          el.name = el.name.replace(/_\d+$/, '_' + n);
          if (el.type === 'checkbox') el.checked = el.defaultChecked;
          else if (el.tagName === 'SELECT') [].forEach.call(el.options, function (o) { o.selected = o.defaultSelected; });
          else el.value = el.defaultValue;
          if (!focus && el.type === 'text' && !el.classList.contains('input--tiny')) focus = el;
        });
        var number = copy.querySelector('[data-line-number]');
        if (number) number.textContent = String(n + 1);
        body.appendChild(copy);
      });
      count.value = String(n + 1);
      if (focus) focus.focus();
    });
  });

  // htmx runs its init on DOMContentLoaded, after every deferred script, so
  // this config is in place before it starts. Its injected <style> would be
  // blocked by the CSP; the indicator rules are in app.css instead.
  if (window.htmx && window.htmx.config) {
    var cfg = window.htmx.config;
    cfg.includeIndicatorStyles = false;
    cfg.allowEval = false;
    cfg.allowScriptTags = false;
    cfg.historyCacheSize = 0; // keep no copies of pages in localStorage
    cfg.refreshOnHistoryMiss = true;
  }

  // form[data-confirm]: ask before submitting. Capture phase, so a declined
  // confirmation also stops htmx's own submit listener on the form.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) return;
    if (!window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // form[data-wait="text"]: once submitted, the submit button says the text
  // and takes no second click; the answer comes by itself (a sign-in waits
  // its turn for the password check during a storm of sign-ins).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-wait') || event.defaultPrevented) return;
    var button = form.querySelector('button[type="submit"]');
    if (!button) return;
    button.textContent = form.getAttribute('data-wait');
    button.setAttribute('aria-busy', 'true');
    button.disabled = true;
  });

  // form[data-autosubmit]: submit the filter bar when a select changes.
  document.addEventListener('change', function (event) {
    var el = event.target;
    if (!(el instanceof HTMLSelectElement)) return;
    var form = el.form;
    if (!form || !form.hasAttribute('data-autosubmit')) return;
    // A form with its own htmx request (hx-trigger "change from:select") is left to htmx.
    if (window.htmx && form.matches('[hx-get],[hx-post],[data-hx-get],[data-hx-post]')) return;
    // requestSubmit fires the submit event (data-confirm, htmx); submit() does not.
    if (typeof form.requestSubmit === 'function') form.requestSubmit();
    else form.submit();
  });

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for plain-HTTP intranet hosts.
    return new Promise(function (resolve, reject) {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      var previous = document.activeElement;
      document.body.appendChild(area);
      area.focus();
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (previous && previous.focus) previous.focus();
      if (ok) resolve(); else reject(new Error('copy failed'));
    });
  }

  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;

    // [data-copy="id"]: copy the text of #id.
    var copyBtn = target.closest('[data-copy]');
    if (copyBtn) {
      event.preventDefault();
      var source = document.getElementById(copyBtn.getAttribute('data-copy'));
      if (!source) return;
      var isField = source instanceof HTMLInputElement || source instanceof HTMLTextAreaElement;
      var text = (isField ? source.value : source.textContent).trim();
      copyText(text).then(function () {
        copyBtn.textContent = 'Đã sao chép';
      }, function () {
        copyBtn.textContent = 'Không sao chép được';
      });
      return;
    }

    // button[data-toggle-password="id"]: show / hide a password field.
    var toggle = target.closest('button[data-toggle-password]');
    if (toggle) {
      event.preventDefault();
      var input = document.getElementById(toggle.getAttribute('data-toggle-password'));
      if (!input) return;
      var show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      toggle.textContent = show ? 'Ẩn' : 'Hiện';
    }
  });

  // [data-picker]: a box above a long list of checkboxes filters it by
  // name, ignoring case and diacritics; the list works without it.
  function folded(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
  }
  document.querySelectorAll('[data-picker]').forEach(function (picker, n) {
    var list = picker.querySelector('.picker__list');
    if (!list) return;
    var id = 'picker-filter-' + n;
    var label = document.createElement('label');
    label.className = 'label picker__filter-label';
    label.htmlFor = id;
    label.textContent = 'Tìm trong danh sách';
    var box = document.createElement('input');
    box.type = 'search';
    box.id = id;
    box.className = 'input picker__filter';
    box.setAttribute('autocomplete', 'off');
    var said = document.createElement('p');
    said.className = 'hint picker__count';
    said.setAttribute('aria-live', 'polite');
    var items = Array.prototype.slice.call(list.querySelectorAll('.checkbox'));
    function count() {
      var chosen = list.querySelectorAll('input:checked').length;
      said.textContent = 'Đã chọn ' + chosen + ' / ' + items.length;
    }
    box.addEventListener('input', function () {
      var q = folded(box.value);
      items.forEach(function (item) {
        item.hidden = q !== '' && folded(item.textContent).indexOf(q) < 0;
      });
    });
    // Enter in the box filters; it never submits the form.
    box.addEventListener('keydown', function (event) { if (event.key === 'Enter') event.preventDefault(); });
    list.addEventListener('change', count);
    list.parentNode.insertBefore(label, list);
    list.parentNode.insertBefore(box, list);
    list.parentNode.insertBefore(said, list);
    count();
  });

  // The report's save bar: its height, however many lines its message
  // takes, is what the grid's box and the keyboard's scrolling keep clear
  // (app.css, --save-bar).
  var bar = document.querySelector('.sticky-actions');
  if (bar) {
    var measure = function () {
      document.documentElement.style.setProperty('--save-bar', bar.offsetHeight + 'px');
    };
    measure();
    if (window.ResizeObserver) new ResizeObserver(measure).observe(bar);
  }

  // [data-unit-picker]: the unit search picker becomes a combobox (ARIA 1.2):
  // typing asks its search route for the matching units (only those the
  // official may see), arrows move through them, Enter or a click chooses,
  // Escape closes. Without this script the typed name is submitted and the
  // server chooses or offers the matches.
  document.querySelectorAll('[data-unit-picker]').forEach(function (picker) {
    var box = picker.querySelector('input[type=search]');
    var chosen = picker.querySelector('[data-unit-id]');
    var url = picker.getAttribute('data-search');
    if (!box || !chosen || !url) return;
    var list = document.createElement('ul');
    list.id = box.id + '-list';
    list.className = 'unit-picker__list';
    list.setAttribute('role', 'listbox');
    list.setAttribute('aria-label', 'Các đơn vị tìm thấy');
    list.hidden = true;
    var said = document.createElement('p');
    said.className = 'visually-hidden';
    said.setAttribute('aria-live', 'polite');
    box.setAttribute('role', 'combobox');
    box.setAttribute('aria-autocomplete', 'list');
    box.setAttribute('aria-expanded', 'false');
    box.setAttribute('aria-controls', list.id);
    box.insertAdjacentElement('afterend', list);
    list.insertAdjacentElement('afterend', said);
    var active = -1, timer = 0, asked = 0, chose = false;
    function options() { return list.querySelectorAll('[role=option]'); }
    function close() {
      list.hidden = true;
      box.setAttribute('aria-expanded', 'false');
      box.removeAttribute('aria-activedescendant');
      active = -1;
    }
    function highlight(i) {
      var all = options();
      if (!all.length) return;
      active = (i + all.length) % all.length;
      all.forEach(function (o, n) { o.setAttribute('aria-selected', n === active ? 'true' : 'false'); });
      box.setAttribute('aria-activedescendant', all[active].id);
      all[active].scrollIntoView({ block: 'nearest' });
    }
    function choose(option) {
      box.value = option.textContent;
      chosen.value = option.getAttribute('data-id');
      close();
      chosen.dispatchEvent(new Event('change', { bubbles: true }));
    }
    function show(units) {
      // A list refreshed under the keyboard keeps the unit highlighted, so
      // an Enter pressed as the answer arrives still chooses it.
      var kept = active >= 0 && options()[active] ? options()[active].getAttribute('data-id') : null;
      list.textContent = '';
      units.forEach(function (u, n) {
        var li = document.createElement('li');
        li.id = box.id + '-option-' + n;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.setAttribute('data-id', u.id);
        li.textContent = u.name;
        list.appendChild(li);
      });
      said.textContent = units.length ? units.length + ' đơn vị tìm thấy, dùng phím mũi tên để chọn.' : 'Không tìm thấy đơn vị nào.';
      list.hidden = units.length === 0;
      box.setAttribute('aria-expanded', units.length ? 'true' : 'false');
      active = -1;
      units.forEach(function (u, n) { if (kept !== null && String(u.id) === kept) highlight(n); });
    }
    function search() {
      var q = box.value.trim(), n = ++asked;
      if (q === '') { show([]); said.textContent = ''; return; }
      fetch(url + '?q=' + encodeURIComponent(q), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { units: [] }; })
        .then(function (answer) { if (n === asked) show(answer.units || []); })
        .catch(function () { if (n === asked) show([]); });
    }
    box.addEventListener('input', function () {
      chosen.value = '';
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    box.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        if (list.hidden) { search(); return; }
        highlight(active + (event.key === 'ArrowDown' ? 1 : -1));
      } else if (event.key === 'Enter' && !list.hidden && active >= 0) {
        event.preventDefault();
        chose = true;
        choose(options()[active]);
      } else if (event.key === 'Escape' && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    // The Enter that chose a unit does not also submit the form: a keypress
    // that comes apart from its keydown (some keyboards, assistive
    // technology, remote control) would otherwise submit it.
    box.addEventListener('keypress', function (event) {
      if (event.key === 'Enter' && chose) event.preventDefault();
    });
    box.addEventListener('keyup', function (event) {
      if (event.key === 'Enter') chose = false;
    });
    // mousedown, not click: the box keeps its focus.
    list.addEventListener('mousedown', function (event) {
      var option = event.target.closest('[role=option]');
      if (option) { event.preventDefault(); choose(option); }
    });
    box.addEventListener('blur', function () { setTimeout(close, 150); });
  });

  // .error-summary: move focus to it so screen readers announce the errors.
  function focusErrorSummary(scope) {
    var summary = scope.matches && scope.matches('.error-summary')
      ? scope : scope.querySelector('.error-summary');
    if (!summary) return;
    if (!summary.hasAttribute('tabindex')) summary.setAttribute('tabindex', '-1');
    summary.focus();
  }
  focusErrorSummary(document);

  // The same after htmx swaps in a form that came back with errors.
  document.addEventListener('htmx:afterSettle', function (event) {
    var scope = event.detail && event.detail.elt;
    if (scope instanceof Element) focusErrorSummary(scope);
  });
})();
