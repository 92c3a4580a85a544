// Hệ thống thông tin báo cáo: signing with the official's USB token through
// the VGCA Sign Service. The plugin script (vgcaplugin.js, distributed by
// Ban Cơ yếu Chính phủ) defines vgca_sign_approved(params, callback) and
// talks to the service on wss://127.0.0.1:8987. The page asks the server
// for a single-use pair of URLs (the PDF to sign, where to upload it), hands
// them to the plugin and reloads when the signed file has been accepted.
(function () {
  'use strict';

  function plugin() { return typeof window.vgca_sign_approved === 'function'; }

  function say(box, text) {
    var status = box.querySelector('[data-vgca-status]');
    if (status) status.textContent = text;
  }

  function missing(box) {
    var button = box.querySelector('[data-vgca-sign]');
    if (button) button.disabled = true;
    say(box, 'Máy tính này chưa cài VGCA Sign Service hoặc hệ thống chưa được cấu hình plugin ký số. ' +
      'Hãy ký trên hệ thống hoặc ký bằng phần mềm khác rồi tải lên (bên dưới).');
  }

  function sign(box) {
    var button = box.querySelector('[data-vgca-sign]');
    button.disabled = true;
    say(box, 'Đang chuẩn bị văn bản để ký…');
    fetch(box.getAttribute('data-vgca-tokens'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': box.getAttribute('data-csrf') }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) throw new Error(result.body.error || 'Không chuẩn bị được văn bản để ký.');
      say(box, 'Hãy cắm USB token và xác nhận ký trong cửa sổ của VGCA Sign Service…');
      window.vgca_sign_approved(JSON.stringify(result.body), function (answer) {
        var message = {};
        try { message = JSON.parse(answer); } catch (e) { message = { Message: String(answer) }; }
        if (message.Status === 0 || message.Status === true) {
          say(box, 'Đã ký số. Đang tải lại trang…');
          window.location.hash = 'signatures';
          window.location.reload();
          return;
        }
        button.disabled = false;
        say(box, 'Ký số không thành công: ' + (message.Message || message.Error || 'không rõ lý do') + '. Bấm để ký lại.');
      });
    }).catch(function (error) {
      button.disabled = false;
      say(box, error.message);
    });
  }

  window.addEventListener('load', function () {
    Array.prototype.forEach.call(document.querySelectorAll('[data-vgca-tokens]'), function (box) {
      if (!plugin()) { missing(box); return; }
      box.querySelector('[data-vgca-sign]').addEventListener('click', function () { sign(box); });
    });
  });
})();
