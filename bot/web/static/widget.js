/*
 * NZ people-trafficking help: the chat widget.
 *
 * Embed with one script tag (no other file is needed; the stylesheet is loaded
 * from beside this script):
 *   <script src="https://host/widget.js" data-server="https://rasa-host"
 *           data-title="Help with people trafficking" data-lang="en"
 *           data-exit-url="https://www.metservice.com" data-target="#chat" defer></script>
 *
 * With data-target, the chat is shown in that element, open. Without it (or when
 * no element matches), a round chat button sits in the bottom right corner of
 * the page: it opens and closes the chat panel above it. Opening moves the focus
 * to the message box, closing returns it to the button. Closing only hides the
 * panel: the conversation stays (in memory) until "Clear this conversation",
 * quick exit or leaving the page.
 *
 * Safety and privacy:
 * - Nothing is written to the device: no cookies, localStorage, sessionStorage
 *   or IndexedDB. The conversation id is random and lives in memory only, so
 *   every page load starts a fresh conversation.
 * - "Leave now", the Esc key, or Ctrl+Shift+X: stop talking to the server, ask
 *   it to forget the conversation, remove the conversation from the page and
 *   from memory, and replace the page with a neutral site (location.replace, so
 *   Back does not return). The keys work on the whole page, whether the chat
 *   panel is open or closed: someone may have hidden the chat, and the page
 *   itself (help with people trafficking) is what must go. They never fire while
 *   typing: not during IME
 *   composition (Chinese, Japanese, Korean...), and Ctrl+Shift+X is a chord no
 *   text entry produces (not AltGr, which is Ctrl+Alt on Windows, nor Option).
 * - "Clear this conversation" asks the server to delete it, then starts afresh.
 * - "Forget" is sent with navigator.sendBeacon, so that it survives leaving the
 *   page (fetch with keepalive if there is no beacon or it is refused). Its body
 *   is JSON, {"sender": id}, sent as text/plain: a CORS-safelisted type, since
 *   browsers never preflight a beacon.
 * - The message box has spellcheck, autocomplete, autocorrect and
 *   autocapitalize off, so typed text is not sent to a cloud spell checker.
 * - Only text is inserted into the page (never HTML), and only http(s) and tel:
 *   links are made.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) {
    return;
  }
  var data = script.dataset;
  var config = {
    server: (data.server || "").replace(/\/+$/, ""),
    title: data.title || "Help with people trafficking",
    lang: data.lang || "en",
    exitUrl: data.exitUrl || "https://www.metservice.com",
    target: data.target || ""
  };
  var WEBHOOK = config.server + "/webhooks/webchat/webhook";
  var FORGET = config.server + "/webhooks/webchat/forget";
  var UNREACHABLE = "Sorry, I cannot reach the assistant right now. " +
    "If you or someone else is in danger, call 111 and ask for Police.";
  var SAFE_LINK = /^(https?:|tel:)/i;
  var URL_IN_TEXT = /(https?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)])/g;

  var state = { sender: newId(), pending: null, gone: false };
  var SHORTCUTS = "Escape Control+Shift+X";

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // A line icon, drawn in the current text colour and hidden from screen readers.
  function icon(path, className) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    var attributes = {
      "class": className, viewBox: "0 0 24 24", width: "24", height: "24", fill: "none",
      stroke: "currentColor", "stroke-width": "2", "stroke-linecap": "round",
      "stroke-linejoin": "round", "aria-hidden": "true", focusable: "false"
    };
    Object.keys(attributes).forEach(function (name) {
      svg.setAttribute(name, attributes[name]);
    });
    var line = document.createElementNS(ns, "path");
    line.setAttribute("d", path);
    svg.appendChild(line);
    return svg;
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      node.setAttribute(name, attributes[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  // --- the stylesheet, from beside this script -----------------------------
  var base = new URL(script.src, document.baseURI);
  var cssHref = new URL("widget.css", base).href;
  var haveCss = Array.prototype.some.call(
    document.querySelectorAll("link[rel=stylesheet]"),
    function (link) { return link.href === cssHref; }
  );
  if (!haveCss) {
    document.head.appendChild(el("link", { rel: "stylesheet", href: cssHref }));
  }

  // --- the widget's parts -----------------------------------------------------
  var mount = config.target ? document.querySelector(config.target) : null;
  var withLauncher = !mount;  // no place in the page: a button in the corner opens the chat

  var panelId = "nzth-panel-" + newId().slice(0, 8);
  var root = el("section", {
    "class": "nzth", id: panelId, lang: config.lang, "aria-label": config.title
  });
  var header = el("div", { "class": "nzth-header" });
  header.appendChild(el("h2", { "class": "nzth-title" }, config.title));
  var leaveButton = el("button", {
    type: "button", "class": "nzth-leave", "aria-keyshortcuts": SHORTCUTS
  }, "Leave now");
  header.appendChild(leaveButton);
  var closeButton = null;
  if (withLauncher) {
    // Hides the panel; the conversation is kept ("Leave now" is the way out).
    closeButton = el("button", { type: "button", "class": "nzth-close", "aria-label": "Close chat" });
    closeButton.appendChild(icon("M6 6l12 12M18 6L6 18", "nzth-icon"));
    header.appendChild(closeButton);
  }
  root.appendChild(header);

  root.appendChild(el("p", { "class": "nzth-notice" },
    "Someone may be able to see what you do on this device. " +
    "To leave fast, press Esc, or Ctrl+Shift+X, or Leave now."));
  var danger = el("p", { "class": "nzth-danger" }, "In danger now? Call ");
  danger.appendChild(el("a", { href: "tel:111" }, "111"));
  danger.appendChild(document.createTextNode(" and ask for Police."));
  root.appendChild(danger);

  var log = el("div", {
    "class": "nzth-log", role: "log", "aria-live": "polite",
    "aria-relevant": "additions", "aria-label": "Conversation", tabindex: "0"
  });
  root.appendChild(log);

  var status = el("p", { "class": "nzth-status", role: "status" });
  root.appendChild(status);

  var form = el("form", { "class": "nzth-form", autocomplete: "off" });
  var inputId = "nzth-input-" + newId().slice(0, 8);
  form.appendChild(el("label", { "for": inputId, "class": "nzth-visually-hidden" }, "Your message"));
  var input = el("input", {
    id: inputId, type: "text", "class": "nzth-input", maxlength: "2000",
    // Nothing typed goes to a spell checker (some are cloud services) or into
    // the browser's saved form entries.
    autocomplete: "off", autocorrect: "off", autocapitalize: "off", spellcheck: "false",
    placeholder: "Type your question"
  });
  form.appendChild(input);
  var sendButton = el("button", { type: "submit", "class": "nzth-send" }, "Send");
  form.appendChild(sendButton);
  root.appendChild(form);

  var clearButton = el("button", { type: "button", "class": "nzth-clear" }, "Clear this conversation");
  root.appendChild(clearButton);

  var dock = null;
  var launcher = null;
  var launcherLabel = "Chat: " + config.title;
  if (withLauncher) {
    // The panel above a round button, fixed in the bottom right corner. The
    // button's state (aria-expanded) says whether the panel is open.
    dock = el("div", { "class": "nzth-dock", lang: config.lang });
    root.hidden = true;
    root.classList.add("nzth-panel");
    dock.appendChild(root);
    launcher = el("button", {
      type: "button", "class": "nzth-launcher", "aria-label": launcherLabel,
      "aria-expanded": "false", "aria-controls": panelId
    });
    // A speech bubble while closed, a cross while open (widget.css shows one).
    launcher.appendChild(icon(
      "M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v8a2.5 2.5 0 0 1-2.5 2.5H10l-4.5 4v-4A2.5 2.5 0 0 1 4 13.5z",
      "nzth-icon nzth-icon-chat"
    ));
    launcher.appendChild(icon("M6 6l12 12M18 6L6 18", "nzth-icon nzth-icon-close"));
    dock.appendChild(launcher);
    document.body.appendChild(dock);
  } else {
    mount.appendChild(root);
  }

  // --- showing messages ---------------------------------------------------------
  function scrollToEnd() {
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    log.scrollTo({ top: log.scrollHeight, behavior: still ? "auto" : "smooth" });
  }

  function appendText(container, text) {
    // Text with web addresses turned into links; never parsed as HTML.
    text.split("\n").forEach(function (line, index) {
      if (index > 0) {
        container.appendChild(el("br"));
      }
      var last = 0;
      line.replace(URL_IN_TEXT, function (url, _group, offset) {
        container.appendChild(document.createTextNode(line.slice(last, offset)));
        container.appendChild(el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, url));
        last = offset + url.length;
        return url;
      });
      container.appendChild(document.createTextNode(line.slice(last)));
    });
  }

  function showUser(text) {
    var bubble = el("div", { "class": "nzth-msg nzth-user" });
    bubble.appendChild(el("span", { "class": "nzth-visually-hidden" }, "You said: "));
    bubble.appendChild(document.createTextNode(text));
    log.appendChild(bubble);
    scrollToEnd();
  }

  function showBot(message) {
    // A message of links only (such as "Call 111") gets no bubble of its own.
    var bubble = el("div", { "class": message.text ? "nzth-msg nzth-bot" : "nzth-msg nzth-bot nzth-bare" });
    bubble.appendChild(el("span", { "class": "nzth-visually-hidden" }, "Assistant: "));
    if (message.text) {
      appendText(bubble, message.text);
    }
    var links = (message.custom && message.custom.links) || [];
    if (links.length) {
      var list = el("div", { "class": "nzth-links" });
      links.forEach(function (link) {
        if (link && typeof link.href === "string" && SAFE_LINK.test(link.href)) {
          var attributes = { href: link.href, "class": "nzth-link-button" };
          if (!/^tel:/i.test(link.href)) {
            attributes.target = "_blank";
            attributes.rel = "noopener noreferrer";
          }
          list.appendChild(el("a", attributes, String(link.label || link.href)));
        }
      });
      bubble.appendChild(list);
    }
    log.appendChild(bubble);
    var buttons = message.buttons || [];
    if (buttons.length) {
      var group = el("div", { "class": "nzth-replies", role: "group", "aria-label": "Answers you can choose" });
      buttons.forEach(function (button) {
        var choice = el("button", { type: "button", "class": "nzth-reply" }, String(button.title));
        choice.addEventListener("click", function () {
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (b) {
            b.disabled = true;
          });
          send(String(button.payload), String(button.title));
        });
        group.appendChild(choice);
      });
      log.appendChild(group);
    }
    scrollToEnd();
  }

  function showWelcome() {
    showBot({
      text: "Kia ora. I can answer questions about people trafficking in New Zealand, " +
        "and tell you where to get help. Please do not type your name, address or phone number."
    });
  }

  // --- talking to the server ------------------------------------------------------
  function setBusy(busy) {
    log.setAttribute("aria-busy", busy ? "true" : "false");
    sendButton.disabled = busy;
    status.textContent = busy ? "The assistant is writing…" : "";
  }

  // Every message: JSON, no cookies, nothing cached, no referrer. (A beacon
  // cannot choose: it goes with the page's referrer policy and any cookies the
  // browser holds for the server's site; the widget sets none.)
  function postJson(url, body, extra) {
    var options = {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer"
    };
    Object.keys(extra).forEach(function (key) { options[key] = extra[key]; });
    return fetch(url, options);
  }

  function send(payload, shown) {
    if (state.gone || !payload.trim()) {
      return;
    }
    showUser(shown || payload);
    var controller = new AbortController();
    state.pending = controller;
    setBusy(true);
    var request = { sender: state.sender, message: payload };
    postJson(WEBHOOK, request, { signal: controller.signal }).then(function (response) {
      return response.json().then(function (messages) {
        if (!Array.isArray(messages)) {
          throw new Error("unexpected answer");
        }
        return messages;
      });
    }).then(function (messages) {
      if (state.pending !== controller) {
        return;  // cleared or left meanwhile
      }
      if (!messages.length) {
        showBot({ text: UNREACHABLE });
      }
      messages.forEach(showBot);
    }).catch(function () {
      if (state.pending === controller) {
        showBot({ text: UNREACHABLE });
      }
    }).then(function () {
      if (state.pending === controller) {
        state.pending = null;
        setBusy(false);
        if (!isOpen()) {
          setUnread(true);  // answered while the panel was closed
        }
      }
    });
  }

  // A beacon outlives the page, so the server hears "forget" even as the page is
  // replaced. Its body is JSON sent as text/plain: browsers do not preflight a
  // beacon, so a non-safelisted type such as application/json would be refused.
  function forgetOnServer(sender) {
    var body = JSON.stringify({ sender: sender });
    var sent = false;
    if (navigator.sendBeacon) {
      try {
        sent = navigator.sendBeacon(FORGET, new Blob([body], { type: "text/plain;charset=UTF-8" }));
      } catch (error) {
        sent = false;
      }
    }
    if (sent) {
      return;
    }
    try {
      fetch(FORGET, {
        method: "POST",
        headers: { "Content-Type": "text/plain;charset=UTF-8" },
        body: body,
        keepalive: true,
        credentials: "omit",
        cache: "no-store",
        referrerPolicy: "no-referrer"
      }).catch(function () { /* the server forgets idle conversations anyway */ });
    } catch (error) {
      /* as above */
    }
  }

  function clearConversation() {
    if (state.pending) {
      state.pending.abort();
      state.pending = null;
    }
    var old = state.sender;
    state.sender = newId();
    forgetOnServer(old);
    while (log.firstChild) {
      log.removeChild(log.firstChild);
    }
    input.value = "";
    setBusy(false);
    status.textContent = "The conversation was cleared.";
    showWelcome();
    input.focus();
  }

  function leaveNow() {
    if (state.gone) {
      return;
    }
    state.gone = true;
    if (state.pending) {
      state.pending.abort();
    }
    forgetOnServer(state.sender);
    state.sender = null;
    state.pending = null;
    input.value = "";
    (dock || root).remove();
    document.title = "";
    window.location.replace(config.exitUrl);
  }

  // --- the launcher: opening and closing the panel ---------------------------------
  function isOpen() {
    return !withLauncher || !root.hidden;
  }

  function setUnread(unread) {
    if (!launcher) {
      return;
    }
    launcher.classList.toggle("nzth-unread", unread);
    launcher.setAttribute("aria-label", unread ? launcherLabel + ", new answer" : launcherLabel);
  }

  function openPanel() {
    root.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    setUnread(false);
    log.scrollTop = log.scrollHeight;
    input.focus();
  }

  function closePanel() {
    root.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }

  // --- events --------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });
  leaveButton.addEventListener("click", leaveNow);
  clearButton.addEventListener("click", clearConversation);
  if (withLauncher) {
    launcher.addEventListener("click", function () {
      if (isOpen()) {
        closePanel();
      } else {
        openPanel();
      }
    });
    closeButton.addEventListener("click", closePanel);
  }
  // While an input method composes text (Chinese, Japanese, Korean...), Esc
  // cancels the composition: such key presses are the IME's, never an exit.
  function composing(event) {
    return event.isComposing || event.keyCode === 229;
  }

  // Ctrl+Shift+X: no key press that types text has Ctrl and Shift without Alt
  // (AltGr is Ctrl+Alt on Windows) or Meta. X by the letter it gives, or by its
  // place on the keyboard in layouts without Latin letters.
  function isExitChord(event) {
    if (!event.ctrlKey || !event.shiftKey || event.altKey || event.metaKey) {
      return false;
    }
    if (event.getModifierState && event.getModifierState("AltGraph")) {
      return false;
    }
    var key = String(event.key || "");
    return key.toLowerCase() === "x" || (event.code === "KeyX" && !/^[a-z]$/i.test(key));
  }

  document.addEventListener("keydown", function (event) {
    if (composing(event)) {
      return;
    }
    if (event.key === "Escape" || event.key === "Esc" || isExitChord(event)) {
      event.preventDefault();
      leaveNow();
    }
  }, true);

  setBusy(false);
  showWelcome();
})();
