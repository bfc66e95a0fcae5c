// Interpost console: the inward scanning station. The scan field keeps the
// focus; Enter sends the scan, the answer colours the panel (green OK,
// red discrepancy, amber repeated, grey error) with a tone, and updates the
// receptacle and item rows. Without this file the page still lists the
// dispatch and closes it; scanning needs it.
(function () {
  "use strict";

  var form = document.getElementById("scan-form");
  if (!form) return;
  var field = document.getElementById("scan");
  var openField = document.getElementById("scan-open");
  var openCode = document.getElementById("scan-open-code");
  var result = document.getElementById("scan-result");
  var message = document.getElementById("scan-message");
  var lines = document.getElementById("scan-lines");
  var log = document.getElementById("scan-log");
  var busy = false;
  var audio = null;

  // tone plays short beeps: one high for OK, two low for a discrepancy.
  function tone(kind) {
    try {
      var AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return;
      audio = audio || new AC();
      var plan = { ok: [[1320, 0, 0.09]], repeated: [[880, 0, 0.07], [880, 0.1, 0.07]],
        discrepancy: [[330, 0, 0.16], [247, 0.2, 0.22]], error: [[160, 0, 0.35]] }[kind] || [];
      plan.forEach(function (p) {
        var o = audio.createOscillator(), g = audio.createGain(), t = audio.currentTime + p[1];
        o.type = kind === "ok" ? "sine" : "square";
        o.frequency.value = p[0];
        g.gain.setValueAtTime(0.12, t);
        g.gain.exponentialRampToValueAtTime(0.001, t + p[2]);
        o.connect(g); g.connect(audio.destination);
        o.start(t); o.stop(t + p[2] + 0.02);
      });
    } catch (e) { /* no sound is not an error */ }
  }

  function setRow(sel, text, cls) {
    var row = document.querySelector(sel);
    if (!row) return;
    var pill = row.querySelector(".state .pill");
    if (!pill) return;
    pill.textContent = text;
    pill.className = "pill " + cls;
  }

  function show(ans, ms) {
    result.className = "scan-result " + ans.result;
    result.setAttribute("data-ms", String(Math.round(ms)));
    result.setAttribute("data-result", ans.result);
    message.textContent = ans.message;
    lines.textContent = "";
    (ans.lines || []).forEach(function (l) {
      var li = document.createElement("li");
      li.textContent = l;
      lines.appendChild(li);
    });
    if (ans.open) {
      openField.value = ans.open;
      openCode.textContent = ans.open;
    }
    var cls = ans.result === "ok" || ans.result === "repeated" ? "ok" : "danger";
    if (ans.action === "receptacle" || ans.action === "open") setRow('tr[data-receptacle="' + ans.code + '"]', ans.status, cls);
    if (ans.action === "item") setRow('tr[data-item="' + ans.code + '"]', ans.status, cls);
    var li = document.createElement("li");
    li.className = ans.result;
    li.textContent = ans.code + " · " + ans.message + " (" + Math.round(ms) + " ms)";
    log.insertBefore(li, log.firstChild);
    while (log.children.length > 50) log.removeChild(log.lastChild);
    tone(ans.result);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (busy || field.value.trim() === "") { field.focus(); return; }
    busy = true;
    var t0 = performance.now();
    var body = new URLSearchParams(new FormData(form));
    field.value = "";
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": form.getAttribute("data-csrf"), "Accept": "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error(r.status + " " + r.statusText);
        return r.json();
      })
      .then(function (ans) { show(ans, performance.now() - t0); })
      .catch(function (err) { show({ result: "error", message: String(err), code: body.get("code") }, performance.now() - t0); })
      .finally(function () {
        busy = false;
        // Weight, flags and condition are for one scan only.
        form.querySelectorAll('input[name="flags"]').forEach(function (c) { c.checked = false; });
        document.getElementById("scan-weight").value = "";
        document.getElementById("scan-condition").value = "ok";
        field.focus();
      });
  });

  // The scan field keeps the focus: clicking the page's background or a
  // table gives it back, and typing anywhere outside a control goes to it.
  field.addEventListener("blur", function (e) {
    if (e.relatedTarget) return; // another control (weight, flags, a link) takes it on purpose
    setTimeout(function () { field.focus(); }, 0);
  });
  document.addEventListener("keydown", function (e) {
    if (document.activeElement === document.body && e.key.length === 1) field.focus();
  });
  field.focus();
})();
