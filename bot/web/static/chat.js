/*
 * Borgerrådgiver-assistenten: the citizen chat (vanilla JS, no build step, nothing from the
 * internet). Exposes window.BorgerChat.mount(container, {apiBase}) for the page and for
 * widget.js, and mounts itself on elements with a data-borger-chat attribute.
 *
 * Safety: bot and user text is only ever inserted as text nodes (textContent); links are
 * built as <a> elements for https: URLs only. No innerHTML with content anywhere.
 */
(function () {
  "use strict";

  var STORAGE_PREFIX = "borger-chat:v1:";
  var FALLBACK_PHONE = "99 31 16 18";
  var REQUEST_TIMEOUT_MS = 45000;
  var GREETING = "/greet";
  var mountCount = 0;

  // Where this script was loaded from: the API lives on the same server.
  var scriptBase = (function () {
    var src = document.currentScript && document.currentScript.src;
    return src ? src.replace(/\/static\/chat\.js(?:[?#].*)?$/, "") : "";
  })();

  /* ---------- small helpers ---------- */

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        if (attrs[name] !== null && attrs[name] !== undefined) {
          node.setAttribute(name, String(attrs[name]));
        }
      });
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function srOnly(text) {
    return el("span", { class: "bc-sr" }, text);
  }

  function newConversationId() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    var bytes = new Uint8Array(16);
    c.getRandomValues(bytes);
    return Array.prototype.map
      .call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  function safeHttpsUrl(value) {
    try {
      var url = new URL(value);
      return url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function telHref(phone) {
    var digits = String(phone).replace(/\D/g, "");
    return digits.length === 8 ? "tel:+45" + digits : null;
  }

  // [tekst](https://...)  or a bare https://... URL
  var LINK_RE = /\[([^\]\n]+)\]\((https:\/\/[^\s)]+)\)|(https:\/\/[^\s<>"]+)/g;
  var TRAILING_PUNCT = /[.,;:!?)\]'"]$/;

  // Keep Danish phone numbers ("99 31 16 18") on one line.
  var PHONE_RE = /\b(\d{2}) (\d{2}) (\d{2}) (\d{2})\b/g;
  function textNode(text) {
    return document.createTextNode(text.replace(PHONE_RE, "$1\u00a0$2\u00a0$3\u00a0$4"));
  }

  function appendLink(parent, label, href) {
    var a = el("a", { href: href, target: "_blank", rel: "noopener noreferrer" }, label);
    a.appendChild(srOnly(" (åbner i et nyt vindue)"));
    parent.appendChild(a);
  }

  // Appends text to parent as text nodes and <a> elements; newlines are kept (CSS pre-wrap).
  function renderText(parent, text) {
    var last = 0;
    var match;
    LINK_RE.lastIndex = 0;
    while ((match = LINK_RE.exec(text)) !== null) {
      parent.appendChild(textNode(text.slice(last, match.index)));
      if (match[1] !== undefined) {
        var href = safeHttpsUrl(match[2]);
        if (href) appendLink(parent, match[1], href);
        else parent.appendChild(textNode(match[0]));
      } else {
        var raw = match[3];
        var trailing = "";
        while (TRAILING_PUNCT.test(raw)) {
          trailing = raw.slice(-1) + trailing;
          raw = raw.slice(0, -1);
        }
        var bare = raw.length > "https://".length ? safeHttpsUrl(raw) : null;
        if (bare) appendLink(parent, raw, bare);
        else parent.appendChild(textNode(raw));
        if (trailing) parent.appendChild(textNode(trailing));
      }
      last = match.index + match[0].length;
    }
    parent.appendChild(textNode(text.slice(last)));
  }

  /* ---------- storage (sessionStorage: forgotten when the tab closes) ---------- */

  function makeStore(key) {
    var memory = null;
    function read() {
      try {
        var raw = window.sessionStorage.getItem(key);
        return raw ? JSON.parse(raw) : memory;
      } catch (e) {
        return memory;
      }
    }
    return {
      load: function () {
        var state = read();
        if (!state || typeof state.id !== "string" || !Array.isArray(state.entries)) {
          state = { id: newConversationId(), entries: [] };
        }
        return state;
      },
      save: function (state) {
        memory = state;
        try {
          window.sessionStorage.setItem(key, JSON.stringify(state));
        } catch (e) {
          /* storage full or disabled: keep it in memory */
        }
      },
    };
  }

  /* ---------- the chat ---------- */

  function mount(container, options) {
    options = options || {};
    var apiBase = String(options.apiBase !== undefined ? options.apiBase : scriptBase).replace(
      /\/+$/, ""
    );
    var n = ++mountCount;
    var ids = {
      input: "bc-input-" + n,
      hint: "bc-hint-" + n,
      contact: "bc-contact-title-" + n,
      privacy: "bc-privacy-" + n,
      own: "bc-own-title-" + n,
      ask: "bc-delete-ask-" + n,
    };
    var store = makeStore(STORAGE_PREFIX + (apiBase || window.location.origin));
    var state = store.load();
    var phone = FALLBACK_PHONE;
    var busy = false;
    var requestSeq = 0;

    /* --- build the UI --- */
    var root = el("div", { class: "bc-root" });

    var notice = el("section", { class: "bc-notice", "aria-label": "Om chatten" });
    var robot = el("p", { class: "bc-robot" });
    robot.appendChild(el("strong", null, "Du skriver med en robot, ikke med et menneske."));
    robot.appendChild(
      document.createTextNode(
        " Assistenten er et automatisk program. Den kan vejlede dig og hjælpe dig videre, " +
          "men den kan ikke behandle din sag."
      )
    );
    notice.appendChild(robot);
    notice.appendChild(
      el(
        "p",
        { class: "bc-warning", id: ids.privacy },
        "Skriv ikke dit CPR-nummer eller oplysninger om dit helbred."
      )
    );
    var details = el("details", { class: "bc-privacy" });
    details.appendChild(el("summary", null, "Hvad sker der med det, du skriver?"));
    var privacyList = el("ul");
    [
      "Hvis du skriver et CPR-nummer, bliver det fjernet automatisk.",
      "Samtalen gemmes i en begrænset periode, så Borgerrådgivningens medarbejdere kan " +
        "hjælpe dig videre og gøre assistenten bedre. Derefter slettes den.",
      "Din browser husker samtalen, indtil du lukker fanen eller trykker på \u201cStart forfra\u201d.",
      "Du kan selv hente samtalen og slette den med knapperne under \u201cDin samtale\u201d.",
      "Du kan læse mere i Aalborg Kommunes privatlivspolitik på aalborg.dk.",
    ].forEach(function (line) {
      privacyList.appendChild(el("li", null, line));
    });
    details.appendChild(privacyList);
    notice.appendChild(details);

    var log = el("div", {
      class: "bc-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": "Samtalen",
      tabindex: "0",
    });
    var status = el("p", { class: "bc-status", role: "status" });
    // Shown while a caseworker writes in the chat instead of the assistant (issue 13).
    var liveBanner = el(
      "p",
      { class: "bc-live", hidden: "" },
      "Du skriver nu med en medarbejder fra Borgerrådgivningen, ikke med robotten."
    );

    var form = el("form", { class: "bc-form", novalidate: "" });
    form.appendChild(el("label", { for: ids.input, class: "bc-label" }, "Skriv din besked"));
    var input = el("textarea", {
      id: ids.input,
      class: "bc-input",
      rows: "2",
      autocomplete: "off",
      "aria-describedby": ids.hint + " " + ids.privacy,
    });
    form.appendChild(input);
    form.appendChild(
      el("p", { id: ids.hint, class: "bc-hint" }, "Tryk Enter for at sende. Shift+Enter giver en ny linje.")
    );
    var actions = el("div", { class: "bc-actions" });
    var sendButton = el("button", { type: "submit", class: "bc-send" }, "Send");
    var restartButton = el("button", { type: "button", class: "bc-restart" }, "Start forfra");
    actions.appendChild(sendButton);
    actions.appendChild(restartButton);
    form.appendChild(actions);

    var contactBox = el("aside", { class: "bc-contact", "aria-labelledby": ids.contact });
    contactBox.appendChild(el("h2", { id: ids.contact, class: "bc-contact-title" }, "Tal med et menneske"));
    var contactBody = el("div", { class: "bc-contact-body" });
    contactBody.appendChild(el("p", null, "Ring til Borgerrådgivningen på " + FALLBACK_PHONE + "."));
    contactBox.appendChild(contactBody);

    // "Din samtale": download it, or delete it (DELETE /api/conversations/{id}).
    var own = el("section", { class: "bc-own", "aria-labelledby": ids.own });
    own.appendChild(el("h2", { id: ids.own, class: "bc-own-title" }, "Din samtale"));
    var ownActions = el("div", { class: "bc-own-actions" });
    var downloadText = el("a", { class: "bc-download", download: "samtale.txt" }, "Hent samtalen");
    var downloadPdf = el("a", { class: "bc-download-pdf", download: "samtale.pdf" }, "Hent som PDF");
    var deleteButton = el("button", { type: "button", class: "bc-delete" }, "Slet min samtale");
    ownActions.appendChild(downloadText);
    ownActions.appendChild(downloadPdf);
    ownActions.appendChild(deleteButton);
    own.appendChild(ownActions);
    var deleteAsk = el("div", { class: "bc-delete-ask", role: "group", "aria-labelledby": ids.ask, hidden: "" });
    deleteAsk.appendChild(
      el(
        "p",
        { id: ids.ask },
        "Vil du slette samtalen? Det, du og assistenten har skrevet, bliver slettet hos " +
          "Borgerrådgivningen. Det kan ikke fortrydes."
      )
    );
    var deleteYes = el("button", { type: "button", class: "bc-delete-yes" }, "Ja, slet samtalen");
    var deleteNo = el("button", { type: "button", class: "bc-delete-no" }, "Fortryd");
    deleteAsk.appendChild(deleteYes);
    deleteAsk.appendChild(document.createTextNode(" "));
    deleteAsk.appendChild(deleteNo);
    own.appendChild(deleteAsk);
    var deleted = el("div", { class: "bc-deleted", role: "status", tabindex: "-1", hidden: "" });
    own.appendChild(deleted);

    root.appendChild(notice);
    root.appendChild(liveBanner);
    root.appendChild(log);
    root.appendChild(status);
    root.appendChild(form);
    root.appendChild(contactBox);
    root.appendChild(own);
    container.textContent = "";
    container.appendChild(root);

    /* --- rendering --- */
    function scrollToEnd() {
      log.scrollTop = log.scrollHeight;
    }

    function renderEntry(entry) {
      var row = el("div", { class: "bc-msg bc-msg-" + entry.from });
      var bubble = el("div", { class: "bc-bubble" });
      var who = { bot: "Assistenten: ", user: "Du: ", error: "Fejl: ", notice: "Besked: " }[entry.from] || "";
      if (entry.from === "staff") {
        // Marked as from a person, for everyone (not only screen readers).
        bubble.appendChild(el("span", { class: "bc-from" }, (entry.who || "Medarbejder") + ":"));
        bubble.appendChild(document.createTextNode(" "));
      } else {
        bubble.appendChild(srOnly(who));
      }
      if (entry.text) renderText(bubble, entry.text);
      if (entry.image) {
        var src = safeHttpsUrl(entry.image);
        if (src) bubble.appendChild(el("img", { src: src, alt: "Billede fra assistenten", class: "bc-image" }));
      }
      row.appendChild(bubble);
      if (entry.buttons && entry.buttons.length) {
        var group = el("div", { class: "bc-quick", role: "group", "aria-label": "Svarmuligheder" });
        entry.buttons.forEach(function (b) {
          var button = el("button", { type: "button", class: "bc-quick-button" }, b.title);
          button.addEventListener("click", function () {
            send(b.payload, b.title, false).then(function () { input.focus(); });
          });
          group.appendChild(button);
        });
        row.appendChild(group);
      }
      log.appendChild(row);
      return row;
    }

    function renderAll() {
      log.textContent = "";
      state.entries.forEach(renderEntry);
      var base = apiBase + "/api/conversations/" + encodeURIComponent(state.id);
      downloadText.setAttribute("href", base + "/samtale.txt");
      downloadPdf.setAttribute("href", base + "/samtale.pdf");
      scrollToEnd();
    }

    function dropQuickReplies() {
      state.entries.forEach(function (e) { delete e.buttons; });
      Array.prototype.forEach.call(log.querySelectorAll(".bc-quick"), function (g) {
        g.parentNode.removeChild(g);
      });
    }

    function showError(message) {
      renderEntry({ from: "error", text: message });
      scrollToEnd();
    }

    function defaultError() {
      return (
        "Beskeden kunne ikke sendes. Prøv igen om lidt, eller ring til Borgerrådgivningen på " +
        phone + "."
      );
    }

    /* --- live reply: a caseworker may write in the chat (GET /api/live/{id}) --- */
    var LIVE_POLL_MS = 5000;
    var liveTimer = null;

    function showLive(active) {
      state.live = !!active;
      liveBanner.hidden = !state.live;
      status.textContent = "";
    }

    function scheduleLive(delay) {
      if (liveTimer) return;
      liveTimer = setTimeout(pollLive, delay === undefined ? LIVE_POLL_MS : delay);
    }

    function pollLive() {
      liveTimer = null;
      var id = state.id;
      var after = state.liveSeen || 0;
      fetch(apiBase + "/api/live/" + encodeURIComponent(id) + "?efter=" + after, { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (id !== state.id) return; // "Start forfra" meanwhile
          if (!data || !Array.isArray(data.messages)) { scheduleLive(); return; }
          var added = false;
          data.messages.forEach(function (m) {
            if (!m || typeof m.id !== "number" || m.id <= (state.liveSeen || 0)) return;
            if (typeof m.text !== "string" || !m.text) return;
            state.liveSeen = m.id;
            var entry = m.sender === "personale"
              ? { from: "staff", text: m.text, who: typeof m.afsender === "string" ? m.afsender : null }
              : { from: "notice", text: m.text };
            dropQuickReplies();
            state.entries.push(entry);
            renderEntry(entry);
            added = true;
          });
          showLive(data.active);
          state.watch = !!data.watch;
          store.save(state);
          if (added) scrollToEnd();
          if (data.watch) scheduleLive();
        })
        .catch(function () { scheduleLive(); });
    }

    /* --- talking to the server --- */
    function postJson(path, body) {
      var controller = typeof AbortController === "function" ? new AbortController() : null;
      var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
      return fetch(apiBase + path, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
        credentials: "omit",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () { return null; })
            .then(function (data) { return { ok: response.ok, data: data }; });
        })
        .finally(function () { if (timer) clearTimeout(timer); });
    }

    // text: what is sent; display: what is shown as the user's message (null = silent).
    function send(text, display, fromInput) {
      if (busy) return Promise.resolve(false);
      busy = true;
      deleted.hidden = true;
      var seq = ++requestSeq;
      input.setAttribute("aria-busy", "true");
      var pending = display !== null ? renderEntry({ from: "user", text: display }) : null;
      if (pending) pending.classList.add("bc-pending");
      scrollToEnd();
      status.textContent = state.live ? "Sender \u2026" : "Assistenten skriver \u2026";
      var sender = state.id;
      return postJson("/api/chat", { sender: sender, message: text })
        .then(function (result) {
          if (sender !== state.id) return false; // "Start forfra" was pressed meanwhile
          if (!result.ok || !result.data || !Array.isArray(result.data.messages)) {
            if (pending) log.removeChild(pending);
            var msg = result.data && typeof result.data.message === "string" ? result.data.message : null;
            showError(msg || defaultError());
            return false;
          }
          dropQuickReplies();
          if (pending) {
            pending.classList.remove("bc-pending");
            state.entries.push({ from: "user", text: display });
          }
          result.data.messages.forEach(function (m) {
            var entry = { from: "bot" };
            if (typeof m.text === "string" && m.text) entry.text = m.text;
            if (typeof m.image === "string" && m.image) entry.image = m.image;
            if (Array.isArray(m.buttons) && m.buttons.length) {
              entry.buttons = m.buttons
                .filter(function (b) { return b && typeof b.title === "string" && typeof b.payload === "string"; })
                .map(function (b) { return { title: b.title, payload: b.payload }; });
            }
            if (entry.text || entry.image || (entry.buttons && entry.buttons.length)) {
              state.entries.push(entry);
              renderEntry(entry);
            }
          });
          store.save(state);
          if (fromInput && input.value === text) input.value = "";
          scrollToEnd();
          // The conversation is a case (e.g. just handed over): ask for a person.
          if (result.data.watch === true) {
            state.watch = true;
            store.save(state);
            scheduleLive(result.data.live ? 1000 : LIVE_POLL_MS);
          }
          if (display !== null && !result.data.live && typeof window.CustomEvent === "function") {
            // feedback.js asks "Hjalp svaret?" under an answer to the citizen.
            container.dispatchEvent(new CustomEvent("borger:answer", {
              bubbles: true, detail: { sender: sender, apiBase: apiBase, log: log },
            }));
          }
          return true;
        })
        .catch(function () {
          if (sender !== state.id) return false;
          if (pending && pending.parentNode) log.removeChild(pending);
          showError(defaultError());
          return false;
        })
        .finally(function () {
          if (seq !== requestSeq) return; // a newer request (after "Start forfra") owns the state
          busy = false;
          input.removeAttribute("aria-busy");
          status.textContent = "";
        });
    }

    function submit() {
      var text = input.value;
      if (!text.trim()) {
        input.focus();
        return;
      }
      send(text, text, true);
    }

    /* --- "Slet min samtale" --- */
    function deletedText() {
      return [
        "Samtalen er slettet. Det, du og assistenten skrev, er slettet hos Borgerrådgivningen. " +
          "Det samme er de fuldmagter, du bestilte i samtalen, og de kopier af dine beskeder, " +
          "som bruges til at gøre assistenten bedre.",
        "Har du booket et møde, er mødet ikke slettet: det står stadig i kalenderen, men det er " +
          "ikke længere knyttet til samtalen. Vil du aflyse det, så skriv det i chatten eller ring.",
        "Har du givet samtalen videre til en medarbejder (en sag), er sagen ikke slettet. Den gav " +
          "du samtykke til. Ring til Borgerrådgivningen på " + phone + ", hvis den også skal slettes.",
        "Skriv en ny besked, hvis du vil starte en ny samtale.",
      ];
    }

    function showDeleted() {
      deleted.textContent = "";
      deletedText().forEach(function (line) { deleted.appendChild(el("p", null, line)); });
      deleted.hidden = false;
      deleted.focus();
    }

    function deleteConversation() {
      var id = state.id;
      deleteYes.disabled = true;
      status.textContent = "Sletter samtalen \u2026";
      fetch(apiBase + "/api/conversations/" + encodeURIComponent(id), {
        method: "DELETE",
        credentials: "omit",
      })
        .then(function (response) {
          if (response.status === 204) {
            requestSeq++;
            busy = false;
            state = { id: newConversationId(), entries: [] };
            store.save(state);
            renderAll();
            deleteAsk.hidden = true;
            showDeleted();
            return;
          }
          return response
            .json()
            .catch(function () { return null; })
            .then(function (data) {
              var msg = data && typeof data.message === "string" ? data.message : null;
              showError(msg || defaultError());
            });
        })
        .catch(function () { showError(defaultError()); })
        .finally(function () {
          deleteYes.disabled = false;
          status.textContent = "";
        });
    }

    deleteButton.addEventListener("click", function () {
      deleteAsk.hidden = false;
      deleteNo.focus();
    });
    deleteNo.addEventListener("click", function () {
      deleteAsk.hidden = true;
      deleteButton.focus();
    });
    deleteYes.addEventListener("click", deleteConversation);

    function restart() {
      state = { id: newConversationId(), entries: [] };
      store.save(state);
      busy = false;
      requestSeq++;
      status.textContent = "";
      renderAll();
      input.focus();
      send(GREETING, null, false);
    }

    function loadContact() {
      fetch(apiBase + "/api/contact", { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (c) {
          if (!c || typeof c.hovedtelefon !== "string") return;
          phone = c.hovedtelefon;
          contactBody.textContent = "";
          var list = el("ul", { class: "bc-phones" });
          function phoneItem(label, number) {
            var li = el("li", null, label + ": ");
            var href = telHref(number);
            li.appendChild(href ? el("a", { href: href }, number) : document.createTextNode(number));
            list.appendChild(li);
          }
          phoneItem("Borgerrådgivningen", c.hovedtelefon);
          (c.medarbejdere || []).forEach(function (p) {
            if (p && p.telefon) phoneItem(p.navn + ", " + String(p.titel).toLowerCase(), p.telefon);
          });
          contactBody.appendChild(list);
          if (c.adresse) contactBody.appendChild(el("p", null, "Adresse: " + c.adresse));
          if (c.personligt_moede) contactBody.appendChild(el("p", null, c.personligt_moede));
        })
        .catch(function () { /* keep the fallback phone number */ });
    }

    /* --- events --- */
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        submit();
      }
    });
    restartButton.addEventListener("click", restart);

    renderAll();
    loadContact();
    showLive(state.live);
    if (state.watch) scheduleLive(0);
    if (state.entries.length === 0) {
      store.save(state);
      send(GREETING, null, false);
    }
    if (options.embedded) talkToWidget(input);

    return {
      input: input,
      focus: function () { input.focus(); },
      restart: restart,
    };
  }

  // Inside the widget's iframe (embed.html): the host page gets only these three
  // content-free messages; it can neither read the conversation nor its storage.
  function talkToWidget(input) {
    if (window.parent === window) return;
    window.parent.postMessage({ type: "borger-chat:ready" }, "*");
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") window.parent.postMessage({ type: "borger-chat:close" }, "*");
    });
    window.addEventListener("message", function (event) {
      if (event.source === window.parent && event.data && event.data.type === "borger-chat:focus") {
        input.focus();
      }
    });
  }

  window.BorgerChat = { mount: mount };

  function autostart() {
    var nodes = document.querySelectorAll("[data-borger-chat]");
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.getAttribute("data-mounted")) return;
      node.setAttribute("data-mounted", "true");
      var base = node.getAttribute("data-api-base");
      mount(node, {
        apiBase: base !== null ? base : scriptBase,
        embedded: node.hasAttribute("data-embedded"),
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", autostart);
  } else {
    autostart();
  }
})();
