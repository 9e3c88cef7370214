/* "Hjalp svaret?" under the assistant's answer (issue 14).
 *
 * chat.js sends the event "borger:answer" on the chat's container after it has shown
 * an answer to something the citizen wrote or chose; this script then adds a small
 * question under it: "Ja" / "Nej" (a "Nej" may carry a comment). The answer goes to
 * POST /api/feedback; the texts come from GET /api/feedback/texts (content/feedback.yml).
 * No inline script or style: the look is feedback.css.
 */
(function () {
  "use strict";

  var textsByBase = {};

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function loadTexts(apiBase) {
    if (!textsByBase[apiBase]) {
      textsByBase[apiBase] = fetch(apiBase + "/api/feedback/texts", { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });
    }
    return textsByBase[apiBase];
  }

  function post(apiBase, body) {
    return fetch(apiBase + "/api/feedback", {
      method: "POST",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    }).then(function (r) { return r.ok; }).catch(function () { return false; });
  }

  function finish(box, t, ok) {
    box.textContent = "";
    box.classList.add("bc-feedback-done");
    box.appendChild(el("p", { role: "status" }, ok ? t.tak : t.fejl));
  }

  function ask(detail, t) {
    var box = el("div", { class: "bc-feedback", role: "group", "aria-label": t.spoergsmaal });
    box.appendChild(el("span", { class: "bc-feedback-q" }, t.spoergsmaal));
    var yes = el("button", { type: "button", class: "bc-feedback-yes" }, t.ja);
    var no = el("button", { type: "button", class: "bc-feedback-no" }, t.nej);
    box.appendChild(yes);
    box.appendChild(no);
    yes.addEventListener("click", function () {
      post(detail.apiBase, { sender: detail.sender, helpful: true }).then(function (ok) {
        finish(box, t, ok);
      });
    });
    no.addEventListener("click", function () {
      box.textContent = "";
      var id = "bc-feedback-comment-" + Math.random().toString(36).slice(2);
      box.appendChild(el("label", { for: id }, t.kommentar_label));
      var area = el("textarea", { id: id, rows: "2", maxlength: "1000" });
      box.appendChild(area);
      var send = el("button", { type: "button", class: "bc-feedback-send" }, t.send);
      var skip = el("button", { type: "button", class: "bc-feedback-skip" }, t.spring_over);
      box.appendChild(send);
      box.appendChild(skip);
      function submit(comment) {
        send.disabled = skip.disabled = true;
        var body = { sender: detail.sender, helpful: false };
        if (comment) body.comment = comment;
        post(detail.apiBase, body).then(function (ok) { finish(box, t, ok); });
      }
      send.addEventListener("click", function () { submit(area.value.trim()); });
      skip.addEventListener("click", function () { submit(""); });
      area.focus();
    });
    return box;
  }

  document.addEventListener("borger:answer", function (event) {
    var detail = event.detail || {};
    if (!detail.log || typeof detail.sender !== "string") return;
    // Only the newest answer is asked about.
    Array.prototype.forEach.call(
      detail.log.querySelectorAll(".bc-feedback:not(.bc-feedback-done)"),
      function (node) { node.parentNode.removeChild(node); }
    );
    loadTexts(detail.apiBase || "").then(function (t) {
      if (t && t.spoergsmaal) detail.log.appendChild(ask(detail, t));
    });
  });
})();
