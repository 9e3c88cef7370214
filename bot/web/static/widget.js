/*
 * Borgerrådgiver-assistenten as a floating chat on another website, with one tag:
 *
 *   <script src="https://<host>/static/widget.js" defer></script>
 *
 * The API base is taken from this script's own URL. The chat lives in a Shadow DOM (its
 * styles neither leak out nor in), styled by chat.css and driven by the same chat.js as
 * the chat page (window.BorgerChat.mount). The host's origin must be listed in
 * BORGER_CORS_ORIGINS on the server (see docs/embed.md).
 */
(function () {
  "use strict";

  if (window.__borgerChatWidget) return;
  window.__borgerChatWidget = true;

  var FALLBACK_PHONE = "99 31 16 18";
  var OPEN_KEY = "borger-chat-widget:open";

  function ownScriptSrc() {
    if (document.currentScript && document.currentScript.src) return document.currentScript.src;
    var scripts = document.querySelectorAll("script[src]");
    for (var i = scripts.length - 1; i >= 0; i--) {
      if (/\/static\/widget\.js(?:[?#].*)?$/.test(scripts[i].src)) return scripts[i].src;
    }
    return null;
  }

  var src = ownScriptSrc();
  if (!src) return;
  var apiBase = new URL(src, window.location.href).href.replace(/\/static\/widget\.js(?:[?#].*)?$/, "");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function remember(open) {
    try { window.sessionStorage.setItem(OPEN_KEY, open ? "1" : "0"); } catch (e) { /* ignore */ }
  }

  function wasOpen() {
    try { return window.sessionStorage.getItem(OPEN_KEY) === "1"; } catch (e) { return false; }
  }

  var chatScript = null;
  function loadChatJs() {
    if (window.BorgerChat) return Promise.resolve(window.BorgerChat);
    if (!chatScript) {
      chatScript = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = apiBase + "/static/chat.js";
        s.async = true;
        s.onload = function () { return window.BorgerChat ? resolve(window.BorgerChat) : reject(); };
        s.onerror = function () { chatScript = null; reject(); };
        document.head.appendChild(s);
      });
    }
    return chatScript;
  }

  function start() {
    var host = el("div", { id: "borger-chat-widget" });
    document.body.appendChild(host);
    var shadow = host.attachShadow({ mode: "open" });

    var wrapper = el("div", { class: "bc-widget", hidden: "" });
    var stylesheet = el("link", { rel: "stylesheet", href: apiBase + "/static/chat.css" });
    // Show nothing until the styles are there (no flash of unstyled content).
    stylesheet.addEventListener("load", function () { wrapper.hidden = false; });
    stylesheet.addEventListener("error", function () { wrapper.hidden = false; });
    shadow.appendChild(stylesheet);
    shadow.appendChild(wrapper);

    var launcher = el("button", {
      type: "button",
      class: "bc-launcher",
      "aria-expanded": "false",
      "aria-controls": "bc-panel",
    }, "Chat med os");
    var panel = el("div", {
      id: "bc-panel",
      class: "bc-panel",
      role: "dialog",
      "aria-labelledby": "bc-panel-title",
      hidden: "",
    });
    var header = el("div", { class: "bc-panel-header" });
    header.appendChild(el("h2", { id: "bc-panel-title", class: "bc-panel-title" }, "Chat med Borgerrådgivningen"));
    var closeButton = el("button", { type: "button", class: "bc-close", "aria-label": "Luk chatten" }, "\u00d7");
    header.appendChild(closeButton);
    var body = el("div", { class: "bc-panel-body" });
    panel.appendChild(header);
    panel.appendChild(body);
    wrapper.appendChild(panel);
    wrapper.appendChild(launcher);

    var chat = null;
    function ensureMounted() {
      if (chat) return Promise.resolve(chat);
      return loadChatJs().then(
        function (BorgerChat) {
          chat = BorgerChat.mount(body, { apiBase: apiBase });
          return chat;
        },
        function () {
          body.textContent = "";
          body.appendChild(
            el(
              "p",
              { class: "bc-msg-error bc-load-error", role: "alert" },
              "Chatten kunne ikke indlæses. Ring til Borgerrådgivningen på " + FALLBACK_PHONE + "."
            )
          );
          return null;
        }
      );
    }

    function open(focus) {
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      launcher.textContent = "Luk chat";
      remember(true);
      ensureMounted().then(function (c) { if (c && focus) c.focus(); });
    }

    function close() {
      panel.hidden = true;
      launcher.setAttribute("aria-expanded", "false");
      launcher.textContent = "Chat med os";
      remember(false);
      launcher.focus();
    }

    launcher.addEventListener("click", function () {
      if (panel.hidden) open(true);
      else close();
    });
    closeButton.addEventListener("click", close);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.stopPropagation();
        close();
      }
    });

    if (wasOpen()) open(false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
