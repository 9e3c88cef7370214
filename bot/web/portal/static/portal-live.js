/* The case page's live panel (bot/web/portal/live.py): while the panel is on the page,
 * ask every 3 seconds for new messages in the citizen's chat and whether the citizen is
 * there, and add them to the list. Text only (textContent); without this script the page
 * shows the same after a reload.
 */
(function () {
  "use strict";
  var POLL_MS = 3000;
  var NAMES = { personale: "Medarbejder", borger: "Borgeren", system: "Besked til borgeren" };

  function start() {
    var panel = document.getElementById("live");
    var list = document.getElementById("live-beskeder");
    var status = document.getElementById("live-status");
    if (!panel || !list) return;
    var url = panel.getAttribute("data-live-url");
    var newest = 0;
    Array.prototype.forEach.call(list.querySelectorAll("li[data-id]"), function (li) {
      newest = Math.max(newest, Number(li.getAttribute("data-id")) || 0);
    });
    var shown = panel.getAttribute("data-state"); // what the forms were made for

    function typing() {
      return Array.prototype.some.call(document.querySelectorAll("textarea"), function (t) {
        return t.value.trim() !== "";
      });
    }

    function add(m) {
      var li = document.createElement("li");
      li.className = "live-" + m.from;
      li.setAttribute("data-id", String(m.id));
      var who = document.createElement("span");
      who.className = "hvem";
      who.textContent = (NAMES[m.from] || m.from) + ", " + m.at + ":";
      li.appendChild(who);
      li.appendChild(document.createTextNode(" " + m.text));
      list.appendChild(li);
      list.scrollTop = list.scrollHeight;
    }

    function poll() {
      fetch(url + "?efter=" + newest, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          (data.messages || []).forEach(function (m) {
            if (m.id > newest) { newest = m.id; add(m); }
          });
          var now = data.active + "/" + data.may_start;
          if (shown !== now && !typing()) {
            // The forms change (the citizen came or went, started or given back elsewhere);
            // never while someone is writing a note or a message.
            window.location.reload();
            return;
          }
          if (status && !data.active) {
            var text = data.present ? "Borgeren er på chatsiden nu." : "Borgeren er ikke på chatsiden lige nu.";
            if (status.textContent !== text) status.textContent = text;
          }
        })
        .catch(function () { /* try again at the next tick */ })
        .finally(function () { setTimeout(poll, POLL_MS); });
    }
    setTimeout(poll, POLL_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
