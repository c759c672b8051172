// What the passkey pages share (issue 13): calls to our JSON API with the session cookie, the
// browser's passkey errors in the customer's words, and the error box. A classic script (no
// bundler, served as it is under /static): it defines window.OkbPasskeys for the page scripts.
// The texts come from the page's data attributes, so the server's i18n stays the one source.
"use strict";

(function () {
  const lang = document.documentElement.lang === "en" ? "en" : "ja";
  /** `?lang=en` keeps the API's refusals in the page's language (the browser's may differ). */
  const langQuery = lang === "en" ? "?lang=en" : "";

  /** A refusal to show: the API's code and message, or a text of the page's own (no code). */
  class PageError extends Error {
    constructor(code, message, hint = null) {
      super(message);
      this.code = code;
      this.hint = hint;
    }
  }

  /** The texts of the page: data-* attributes of the element with id `passkey-text`. */
  function texts() {
    const holder = document.getElementById("passkey-text");
    return holder === null ? {} : holder.dataset;
  }

  /**
   * Calls our JSON API on this origin: the session cookie goes along, the browser sends our own
   * Origin (the origin check wants it); no CSRF token, as for the app. Answers the parsed body,
   * or throws a PageError with the API's [code] and message.
   */
  async function api(method, path, body) {
    const init = { method, credentials: "same-origin", headers: { accept: "application/json" } };
    if (body !== undefined) {
      init.headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path + langQuery, init);
    } catch {
      throw new PageError(null, texts().errorNetwork);
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = data !== null && typeof data === "object" ? data.error : undefined;
      if (error !== undefined && typeof error.code === "string") {
        throw new PageError(error.code, String(error.message), typeof error.hint === "string" ? error.hint : null);
      }
      throw new PageError(null, texts().errorUnavailable);
    }
    return data;
  }

  /** True for the abort of a passkey request that a newer one replaced: nothing to tell. */
  function isReplaced(error) {
    return error !== null && typeof error === "object" && (error.name === "AbortError" || error.code === "ERROR_CEREMONY_ABORTED");
  }

  /** Any error in the customer's words: the API's as `[code] message`, the browser's by kind. */
  function messageOf(error) {
    const text = texts();
    if (error instanceof PageError) {
      return error.code === null ? error.message : `[${error.code}] ${error.message}`;
    }
    const name = error !== null && typeof error === "object" ? error.name : "";
    if (name === "NotAllowedError") {
      return text.errorCancelled;
    }
    if (name === "InvalidStateError") {
      return text.errorExists;
    }
    return text.errorUnavailable;
  }

  /**
   * Shows `error` in `box` (an .error element: the message, then `ownHint` or the API's hint such as
   * whom to call) and moves focus there, for screen readers. A confirmation of an earlier change goes.
   */
  function showError(box, error, ownHint) {
    writeWithPhone(box.querySelector(".error-message"), messageOf(error));
    const hint = box.querySelector(".error-hint");
    writeWithPhone(hint, ownHint ?? (error instanceof PageError && error.hint !== null ? error.hint : ""));
    hint.hidden = hint.textContent === "";
    box.hidden = false;
    hideDone();
    box.focus();
  }

  /**
   * `text` into `element`, the call center's number in it as a tel: link (as the server's pages
   * write it), so it is tappable and never broken at its hyphen.
   */
  function writeWithPhone(element, text) {
    const phone = texts().phone ?? "";
    const parts = phone === "" ? [text] : text.split(phone);
    element.replaceChildren();
    parts.forEach((part, index) => {
      if (index > 0) {
        const link = document.createElement("a");
        link.className = "tel";
        link.href = `tel:${phone.replace(/[^0-9+]/g, "")}`;
        link.textContent = phone;
        element.append(link);
      }
      element.append(part);
    });
  }

  /** The ?done= confirmation of the last change: out of date once the customer does something else. */
  function hideDone() {
    const done = document.getElementById("passkey-done");
    if (done !== null) {
      done.hidden = true;
    }
  }

  function hideError(box) {
    box.hidden = true;
  }

  /** Whether this browser can use passkeys at all (the library's check). */
  function supported() {
    return window.SimpleWebAuthnBrowser !== undefined && window.SimpleWebAuthnBrowser.browserSupportsWebAuthn();
  }

  /** Goes to `path` in the page's language, with `extra` query parameters. */
  function go(path, extra) {
    const params = new URLSearchParams(extra);
    if (lang === "en") {
      params.set("lang", "en");
    }
    const query = params.toString();
    window.location.assign(query === "" ? path : `${path}?${query}`);
  }

  /** `2026-11-25T11:21:05+09:00` (the API's JST) as the pages write it: `2026/11/25 11:21:05`. */
  function japanTime(iso) {
    return typeof iso === "string" ? iso.slice(0, 19).replace("T", " ").replaceAll("-", "/") : "";
  }

  window.OkbPasskeys = { api, PageError, isReplaced, messageOf, showError, hideError, hideDone, supported, go, japanTime, texts };
})();
