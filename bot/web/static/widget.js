/*
 * Borgerrådgiver-assistenten as a floating chat on another website, with one tag:
 *
 *   <script src="https://<host>/static/widget.js" defer></script>
 *
 * The button and the panel around the chat are drawn here (in a Shadow DOM: the host's
 * styles neither leak in nor out); the chat itself is an iframe of <host>/embed, on the
 * chat server's own origin. So the conversation, its id and the history in
 * sessionStorage live in that origin only: scripts on the host page (analytics, consent
 * banners, CMS plug-ins) cannot read them. The host gets three content-free messages
 * from the iframe (ready, close, nothing else) and remembers only whether the panel was
 * open. The server lets only the origins in BORGER_CORS_ORIGINS frame the chat
 * (Content-Security-Policy frame-ancestors; see docs/embed.md).
 */
(function () {
  "use strict";

  if (window.__borgerChatWidget) return;
  window.__borgerChatWidget = true;

  var FALLBACK_PHONE = "99 31 16 18";
  var OPEN_KEY = "borger-chat-widget:open"; // the only thing kept on the host's origin
  var READY_TIMEOUT_MS = 15000;
  var LOADED_GRACE_MS = 3000;

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
  var chatBase = new URL(src, window.location.href).href.replace(/\/static\/widget\.js(?:[?#].*)?$/, "");
  var chatOrigin = new URL(chatBase).origin;

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

  function start() {
    var host = el("div", { id: "borger-chat-widget" });
    document.body.appendChild(host);
    var shadow = host.attachShadow({ mode: "open" });

    var wrapper = el("div", { class: "bc-widget", hidden: "" });
    var stylesheet = el("link", { rel: "stylesheet", href: chatBase + "/static/chat.css" });
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
    var body = el("div", { class: "bc-panel-body bc-frame-body" });
    panel.appendChild(header);
    panel.appendChild(body);
    wrapper.appendChild(panel);
    wrapper.appendChild(launcher);

    var frame = null;
    var ready = false;
    var readyTimer = null;

    function loadError() {
      if (ready) return;
      body.textContent = "";
      frame = null;
      body.appendChild(
        el(
          "p",
          { class: "bc-msg-error bc-load-error", role: "alert" },
          "Chatten kunne ikke indlæses. Ring til Borgerrådgivningen på " + FALLBACK_PHONE + "."
        )
      );
    }

    function ensureFrame() {
      if (frame) return;
      frame = el("iframe", {
        class: "bc-frame",
        src: chatBase + "/embed",
        title: "Chat med Borgerrådgivningen",
        referrerpolicy: "no-referrer",
      });
      // A frame the server refuses (this site is not in BORGER_CORS_ORIGINS) still
      // "loads", but never says it is ready.
      frame.addEventListener("load", function () {
        if (!ready) setTimeout(loadError, LOADED_GRACE_MS);
      });
      body.appendChild(frame);
      readyTimer = setTimeout(loadError, READY_TIMEOUT_MS);
    }

    function focusChat() {
      if (frame && ready) {
        frame.focus();
        frame.contentWindow.postMessage({ type: "borger-chat:focus" }, chatOrigin);
      }
    }

    window.addEventListener("message", function (event) {
      if (!frame || event.origin !== chatOrigin || event.source !== frame.contentWindow) return;
      var type = event.data && event.data.type;
      if (type === "borger-chat:ready") {
        ready = true;
        clearTimeout(readyTimer);
        if (!panel.hidden) focusChat();
      } else if (type === "borger-chat:close") {
        close();
      }
    });

    function open(focus) {
      panel.hidden = false;
      launcher.setAttribute("aria-expanded", "true");
      launcher.textContent = "Luk chat";
      remember(true);
      ensureFrame();
      if (focus) focusChat();
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
