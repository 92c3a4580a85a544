// Rich-text editor for textarea[data-richtext] (narrative sections of reports).
// Progressive enhancement: without it the textarea posts plain text, which the
// server (internal/richtext.Sanitize) turns into paragraphs and lists; the server
// sanitises whatever is posted. Plain ES2017, CSP-safe: no element.style, no
// <style>, no inline handlers, no innerHTML: the textarea's HTML is copied into
// the editor through an allow-list. Load with `defer`.
(function () {
  'use strict';
  var KEEP = { P: 1, BR: 1, UL: 1, OL: 1, LI: 1, STRONG: 1, B: 1, EM: 1, I: 1, U: 1 };
  var DROP = /^(script|style|template|iframe|object|embed|svg|math|head|title|noscript|select|textarea|button)$/i;
  var BLOCK = /^(P|DIV|LI|H[1-6]|BLOCKQUOTE|PRE|TR|TABLE|SECTION|ARTICLE|HEADER|FOOTER)$/;
  var SPACE = /[ \t\n\r\f\u00a0]+/g, INK = /[^ \t\n\r\f\u00a0]/; // the server's whitespace
  var COMMANDS = ['bold', 'italic', 'insertUnorderedList', 'insertOrderedList'];
  var FIGURE = /^[A-Za-z0-9_-]{1,40}\|[A-Za-z0-9_-]{1,40}\|[A-Za-z0-9_-]{1,20}$/; // richtext.ValidRef
  var seq = 0;

  function make(tag, cls, attrs) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    Object.keys(attrs || {}).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    return el;
  }

  // Copies src's children into dst: allowed elements without attributes, DIV as
  // P, other elements replaced by their content.
  function copyClean(src, dst) {
    for (var n = src.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) { dst.appendChild(document.createTextNode(n.data)); continue; }
      if (n.nodeType !== 1 || DROP.test(n.nodeName)) continue;
      if (n.nodeName === 'SPAN' && FIGURE.test(n.getAttribute('data-figure') || '')) { // a live figure (static/js/narrative.js)
        var fig = dst.appendChild(make('span', 'figure', { 'data-figure': n.getAttribute('data-figure'), contenteditable: 'false' }));
        if (n.hasAttribute('data-missing')) fig.setAttribute('data-missing', '');
        fig.textContent = n.textContent;
        continue;
      }
      var tag = n.nodeName === 'DIV' ? 'P' : n.nodeName;
      var el = KEEP[tag] ? document.createElement(tag) : dst;
      copyClean(n, el);
      if (el !== dst) dst.appendChild(el);
    }
  }

  function fill(editor, value) {
    if (/<[a-z!\/]/i.test(value)) {
      copyClean(new DOMParser().parseFromString(value, 'text/html').body, editor);
    } else if (INK.test(value)) { // plain text, read as the server does: blank lines part paragraphs
      value.trim().split(/\r?\n\s*\n/).forEach(function (block) {
        var p = editor.appendChild(make('p'));
        block.trim().split(/\r?\n/).forEach(function (line, i) {
          if (i) p.appendChild(make('br'));
          p.appendChild(document.createTextNode(line));
        });
      });
    }
    if (!INK.test(editor.textContent)) { editor.textContent = ''; editor.appendChild(make('p')).appendChild(make('br')); }
  }

  // The text richtext.Text gives on the server, whose rune count (Length) the
  // limit applies to: a line per block, line break and list item, items
  // prefixed "- " or "1. ", nested lists indented by two spaces, no empty line.
  function visibleText(root) {
    var lines = [], cur = null;
    function brk() { if (cur && INK.test(cur.t)) cur = null; }
    (function walk(node, depth) {
      for (var n = node.firstChild; n; n = n.nextSibling) {
        var tag = n.nodeName;
        if (n.nodeType === 3) {
          if (!cur) lines.push(cur = { p: '', t: '' });
          cur.t += n.data;
        } else if (n.nodeType !== 1 || DROP.test(tag)) {
          continue;
        } else if (tag === 'BR') {
          brk();
        } else if (tag === 'UL' || tag === 'OL') {
          for (var li = n.firstElementChild, k = 0; li; li = li.nextElementSibling) {
            if (li.nodeName !== 'LI') continue;
            lines.push(cur = { p: '  '.repeat(depth) + (tag === 'OL' ? ++k + '. ' : '- '), t: '' });
            walk(li, depth + 1);
            brk();
          }
          cur = null;
        } else {
          if (BLOCK.test(tag)) brk();
          walk(n, depth);
          if (BLOCK.test(tag)) brk();
        }
      }
    })(root, 0);
    return lines.map(function (l) { return l.t.replace(SPACE, ' ').trim() && l.p + l.t.replace(SPACE, ' ').trim(); })
      .filter(Boolean).join('\n').normalize('NFC');
  }

  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.'); }

  function enhance(ta) {
    if (ta.closest('.richtext--enhanced')) return;
    var id = ta.id || 'richtext-' + (++seq);
    var wrap = make('div', 'richtext richtext--enhanced');
    var bar = make('div', 'richtext__toolbar', { role: 'toolbar', 'aria-label': 'Định dạng văn bản', 'aria-controls': id + '-editor' });
    var editor = make('div', 'richtext__editor', { id: id + '-editor', contenteditable: String(!ta.disabled && !ta.readOnly), role: 'textbox', 'aria-multiline': 'true' });
    var label = ta.labels && ta.labels[0];
    if (label && label.id) editor.setAttribute('aria-labelledby', label.id);
    else if (label || ta.hasAttribute('aria-label')) editor.setAttribute('aria-label', label ? label.textContent.trim() : ta.getAttribute('aria-label'));
    if (label) label.addEventListener('click', function (e) { e.preventDefault(); editor.focus(); });
    ['aria-describedby', 'aria-invalid'].forEach(function (a) { if (ta.hasAttribute(a)) editor.setAttribute(a, ta.getAttribute(a)); });
    if (ta.required) { ta.required = false; editor.setAttribute('aria-required', 'true'); } // a hidden required field blocks submit silently

    var buttons = [['Đậm', 'Đậm (Ctrl+B)', 'Control+B'], ['Nghiêng', 'Nghiêng (Ctrl+I)', 'Control+I'],
      ['Danh sách', 'Danh sách gạch đầu dòng'], ['Danh sách số', 'Danh sách số']].map(function (d, i) {
      var b = bar.appendChild(make('button', 'btn btn--secondary btn--small richtext__button',
        { type: 'button', 'aria-label': d[1], 'aria-pressed': 'false', tabindex: i ? '-1' : '0' }));
      if (d[2]) b.setAttribute('aria-keyshortcuts', d[2]);
      b.textContent = d[0];
      b.addEventListener('mousedown', function (e) { e.preventDefault(); }); // keep the selection in the editor
      b.addEventListener('click', function () { run(COMMANDS[i]); });
      return b;
    });
    bar.addEventListener('keydown', function (e) { // one tab stop, arrow keys inside the toolbar
      var i = buttons.indexOf(document.activeElement), n = buttons.length;
      var j = { ArrowRight: i + 1, ArrowLeft: i + n - 1, Home: 0, End: n - 1 }[e.key];
      if (i < 0 || j === undefined) return;
      e.preventDefault();
      buttons[i].tabIndex = -1;
      buttons[j % n].tabIndex = 0;
      buttons[j % n].focus();
    });

    var max = parseInt(ta.getAttribute('data-maxlength'), 10);
    var count = max > 0 && make('p', 'richtext__count', { id: id + '-count' });
    var live = count && make('p', 'visually-hidden', { 'aria-live': 'polite' });
    var timer = 0, before = ta.value;
    function update() {
      buttons.forEach(function (b, i) { b.setAttribute('aria-pressed', String(document.queryCommandState(COMMANDS[i]))); });
      if (!count) return;
      var n = Array.from(visibleText(editor)).length;
      count.textContent = thousands(n) + '/' + thousands(max) + ' ký tự';
      count.classList.toggle('richtext__count--over', n > max);
      clearTimeout(timer); // screen readers hear the count once typing pauses
      timer = setTimeout(function () { live.textContent = n > max ? 'Vượt quá ' + thousands(n - max) + ' ký tự' : 'Còn ' + thousands(max - n) + ' ký tự'; }, 1000);
    }
    function sync() {
      var html = INK.test(editor.textContent) ? editor.innerHTML : '';
      if (ta.value !== html) { ta.value = html; ta.dispatchEvent(new Event('input', { bubbles: true })); }
      update();
    }
    function run(cmd) { editor.focus(); document.execCommand(cmd, false, null); sync(); }

    fill(editor, ta.value);
    editor.addEventListener('input', function (e) { e.stopPropagation(); sync(); }); // others see the textarea's event
    editor.addEventListener('keydown', function (e) {
      var k = e.key.toLowerCase();
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && (k === 'b' || k === 'i')) { e.preventDefault(); run(k === 'b' ? 'bold' : 'italic'); }
    });
    editor.addEventListener('paste', function (e) { // plain text only: Word formatting never enters
      e.preventDefault();
      document.execCommand('insertText', false, (e.clipboardData || window.clipboardData).getData('text/plain'));
    });
    editor.addEventListener('focus', function () {
      before = ta.value;
      document.execCommand('defaultParagraphSeparator', false, 'p');
      document.execCommand('styleWithCSS', false, false);
    });
    editor.addEventListener('blur', function () { if (ta.value !== before) ta.dispatchEvent(new Event('change', { bubbles: true })); });
    editor.addEventListener('keyup', update);
    editor.addEventListener('mouseup', update);

    ta.parentNode.insertBefore(wrap, ta);
    [bar, editor, ta, count, live].forEach(function (el) { if (el) wrap.appendChild(el); });
    if (count) editor.setAttribute('aria-describedby', ((editor.getAttribute('aria-describedby') || '') + ' ' + count.id).trim());
    update();
  }

  function enhanceIn(root) {
    if (root.matches && root.matches('textarea[data-richtext]')) enhance(root);
    root.querySelectorAll('textarea[data-richtext]').forEach(enhance);
  }
  enhanceIn(document);
  // Content htmx swaps in later (e.g. a form returned with errors).
  document.addEventListener('htmx:load', function (e) { if (e.target instanceof Element) enhanceIn(e.target); });
})();
