// Hệ thống thông tin báo cáo: keeps what an official types in a report
// (form[data-autosave]) even when the session expires or the connection
// drops. The server saves through htmx; this script keeps a copy of the
// unsaved fields in the browser, says clearly when a save failed, and
// offers to restore the copy when the report is opened again.
(function () {
  'use strict';

  // The entry grid moves like a spreadsheet: Enter and the arrow keys go
  // to the cell below or above in the same column (Tab goes across).
  document.addEventListener('keydown', function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains('grid__input')) return;
    var down = event.key === 'Enter' || event.key === 'ArrowDown';
    var up = event.key === 'ArrowUp';
    if (!down && !up) return;
    var cell = input.closest('td');
    var row = cell && cell.parentElement;
    if (!row) return;
    var index = Array.prototype.indexOf.call(row.children, cell);
    var next = row;
    while ((next = up ? next.previousElementSibling : next.nextElementSibling)) {
      var target = next.children[index] && next.children[index].querySelector('input.grid__input');
      if (target) {
        event.preventDefault();
        target.focus();
        target.select();
        return;
      }
    }
    if (event.key === 'Enter') event.preventDefault(); // never submit the whole report by Enter
  });

  var form = document.querySelector('form[data-autosave]');
  if (!form || !window.localStorage) return;
  var key = 'baocao:unsaved:' + form.getAttribute('action');
  var status = function () { return document.getElementById('save-status'); };

  // A report's own fields: its cells (v.) and sections (s.).
  function own(name) { return name.indexOf('v.') === 0 || name.indexOf('s.') === 0; }

  // fields gives each own field's value, or (rendered) the value the page
  // was rendered with.
  function fields(rendered) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && own(el.name)) out[el.name] = rendered ? el.defaultValue : el.value;
    });
    return out;
  }

  function keep() {
    try { localStorage.setItem(key, JSON.stringify({ at: Date.now(), fields: fields() })); } catch (e) { /* full or blocked */ }
  }

  // data-unsaved marks the form while something typed has not been saved
  // yet: from the keystroke to the answer of the save that carried it.
  var edits = 0, sent = 0;
  function typed() {
    edits++;
    form.setAttribute('data-unsaved', '');
    keep();
  }
  form.addEventListener('input', typed);
  form.addEventListener('grid:pasted', typed); // a block pasted by paste.js

  // An autosave sends only the fields that differ from what the server
  // holds (stored: the values the page was rendered with, not what a
  // browser may have restored into them, then each field as the last
  // save that the server took carried it), with partial=1: the server
  // keeps every other cell as stored. A save the server did not take (an
  // error, a conflict, a lost connection) moves nothing, so its fields go
  // again with the next one. The server takes a save only from the
  // revision whose cells stored holds.
  var stored = fields(true), carried = null, revisionSent = null;
  function revision() {
    var el = form.elements.namedItem('revision');
    return el ? el.value : null;
  }
  document.addEventListener('htmx:configRequest', function (event) {
    if (event.detail.elt !== form) return;
    var data = event.detail.formData, names = [];
    data.forEach(function (value, name) { names.push(name); });
    carried = {};
    names.forEach(function (name) {
      if (!own(name)) return;
      var value = data.get(name);
      if (stored[name] === value) data.delete(name);
      else carried[name] = value;
    });
    data.set('partial', '1');
    revisionSent = revision();
  });

  document.addEventListener('htmx:beforeRequest', function (event) {
    if (event.detail.elt === form) sent = edits;
  });

  document.addEventListener('htmx:afterRequest', function (event) {
    if (event.detail.elt !== form) return;
    // The answer brings the new revision only when the save was taken.
    if (carried && event.detail.successful && revision() !== revisionSent) {
      Object.keys(carried).forEach(function (name) { stored[name] = carried[name]; });
    }
    carried = null;
    var ok = event.detail.successful && !(status() && status().classList.contains('save-status--problem'));
    if (ok && sent === edits) form.removeAttribute('data-unsaved');
    if (ok) localStorage.removeItem(key);
  });

  // htmx does not swap error answers: say what happened, keep the page as it is.
  document.addEventListener('htmx:responseError', function (event) {
    if (event.detail.elt !== form || !status()) return;
    var code = event.detail.xhr.status;
    status().textContent = code === 401 || code === 403
      ? 'Chưa lưu được: phiên làm việc đã hết hạn. Hãy đăng nhập lại (mở trang này ở thẻ mới) rồi bấm Lưu; những gì bạn nhập vẫn còn trên trang và trong trình duyệt.'
      : 'Chưa lưu được (lỗi ' + code + '). Những gì bạn nhập vẫn còn trên trang; hãy thử bấm Lưu lại.';
    status().classList.add('save-status--problem');
  });
  document.addEventListener('htmx:sendError', function (event) {
    if (event.detail.elt !== form || !status()) return;
    status().textContent = 'Mất kết nối: chưa lưu được. Những gì bạn nhập vẫn được giữ trong trình duyệt; hệ thống sẽ lưu khi bạn nhập tiếp hoặc bấm Lưu.';
    status().classList.add('save-status--problem');
  });

  // Opened again with a copy that the server never got: offer it back.
  var saved = null;
  try { saved = JSON.parse(localStorage.getItem(key) || 'null'); } catch (e) { saved = null; }
  if (!saved || !saved.fields) return;
  var current = fields();
  var differs = Object.keys(saved.fields).some(function (name) { return current[name] !== undefined && current[name] !== saved.fields[name]; });
  if (!differs) { localStorage.removeItem(key); return; }
  var box = document.createElement('div');
  box.className = 'notice notice--warning';
  box.setAttribute('role', 'status');
  var text = document.createElement('p');
  text.textContent = 'Trình duyệt còn giữ số liệu bạn nhập lúc ' + new Date(saved.at).toLocaleString('vi-VN') + ' nhưng chưa được lưu lên hệ thống.';
  var restore = document.createElement('button');
  restore.type = 'button';
  restore.className = 'btn';
  restore.textContent = 'Khôi phục số liệu chưa lưu';
  var drop = document.createElement('button');
  drop.type = 'button';
  drop.className = 'btn btn--secondary';
  drop.textContent = 'Bỏ qua';
  restore.addEventListener('click', function () {
    Object.keys(saved.fields).forEach(function (name) {
      var el = form.elements.namedItem(name);
      if (el && 'value' in el) {
        el.value = saved.fields[name];
        el.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    box.remove();
  });
  drop.addEventListener('click', function () { localStorage.removeItem(key); box.remove(); });
  var actions = document.createElement('div');
  actions.className = 'actions';
  actions.appendChild(restore);
  actions.appendChild(drop);
  box.appendChild(text);
  box.appendChild(actions);
  form.insertBefore(box, form.firstChild);
})();
