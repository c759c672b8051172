// パスキー in the customer area (issue 13 §1, §3), over the same JSON routes as the app:
// register (a step-up code, then the browser's passkey dialog), rename, remove, and パスキー必須
// (on or off after an assertion with one of the customer's passkeys). After a change the page
// reloads with ?done=…, so the list and the settings are always the server's.
"use strict";

(function () {
  const { api, showError, hideError, hideDone, supported, go, japanTime, texts } = window.OkbPasskeys;
  if (!supported()) {
    document.getElementById("passkeys-unsupported").hidden = false;
    return;
  }
  const { startRegistration, startAuthentication } = window.SimpleWebAuthnBrowser;
  for (const element of document.querySelectorAll("[data-needs-js]")) {
    element.hidden = false;
  }

  /** Runs `work` with `button` disabled (no double submit), showing a failure in `errorBox`. */
  async function busy(button, errorBox, work, hintOnFailure) {
    hideError(errorBox);
    hideDone();
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      await work();
    } catch (error) {
      showError(errorBox, error, hintOnFailure?.());
      return error;
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
    return null;
  }

  // Registering: step 1 mails the code; step 2 takes the code and a name, then the browser makes the passkey.
  const registerError = document.getElementById("passkey-register-error");
  const codeInput = document.getElementById("code");

  async function sendCode(button) {
    await busy(button, registerError, async () => {
      const sent = await api("POST", "/api/v1/passkeys/code");
      document.getElementById("passkey-masked-email").textContent = sent.maskedEmail;
      document.getElementById("passkey-sent-at").textContent = japanTime(sent.sentAt);
      document.getElementById("passkey-expires-at").textContent = japanTime(sent.expiresAt);
      document.getElementById("passkey-step1").hidden = true;
      document.getElementById("passkey-step2").hidden = false;
      codeInput.value = "";
      document.getElementById("passkey-name").focus();
    });
  }
  document.getElementById("passkey-send-code").addEventListener("click", (event) => sendCode(event.currentTarget));
  document.getElementById("passkey-resend-code").addEventListener("click", (event) => sendCode(event.currentTarget));

  document.getElementById("passkey-register-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const name = form.elements.namedItem("name").value.trim();
    codeInput.removeAttribute("aria-invalid");
    // The options use the code up (one proof of the mailbox): after that, another try needs a new code.
    let codeUsed = false;
    const failed = await busy(
      document.getElementById("passkey-register-button"),
      registerError,
      async () => {
        const { options } = await api("POST", "/api/v1/passkeys/registration/options", { code: codeInput.value });
        codeUsed = true;
        codeInput.value = "";
        const response = await startRegistration({ optionsJSON: options });
        await api("POST", "/api/v1/passkeys", { name, response });
        go("/passkeys", { done: "registered" });
      },
      () => (codeUsed ? texts().newCodeNeeded : undefined),
    );
    // A wrong code ([5121]) is the code field's error; the field says so to screen readers.
    if (failed !== null && failed.code === "5121") {
      codeInput.setAttribute("aria-invalid", "true");
    }
  });

  // Rename and remove: each passkey's buttons open its own small form.
  const listError = document.getElementById("passkey-list-error");
  for (const item of document.querySelectorAll("li.passkey")) {
    const id = item.dataset.passkeyId;
    const actions = item.querySelector(".actions");
    const renameForm = item.querySelector(".rename-form");
    const removeForm = item.querySelector(".remove-form");
    const open = (form) => {
      hideDone();
      actions.hidden = true;
      form.hidden = false;
      (form.querySelector("input") ?? form.querySelector("button")).focus();
    };
    const close = () => {
      renameForm.hidden = true;
      removeForm.hidden = true;
      actions.hidden = false;
      actions.querySelector("button").focus();
    };
    actions.querySelector('[data-action="rename"]').addEventListener("click", () => open(renameForm));
    actions.querySelector('[data-action="remove"]').addEventListener("click", () => open(removeForm));
    for (const cancel of item.querySelectorAll('[data-action="cancel"]')) {
      cancel.addEventListener("click", close);
    }
    renameForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = renameForm.elements.namedItem("name").value.trim();
      await busy(renameForm.querySelector('button[type="submit"]'), listError, async () => {
        await api("PATCH", `/api/v1/passkeys/${encodeURIComponent(id)}`, { name });
        go("/passkeys", { done: "renamed" });
      });
    });
    removeForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      await busy(removeForm.querySelector('button[type="submit"]'), listError, async () => {
        await api("DELETE", `/api/v1/passkeys/${encodeURIComponent(id)}`);
        go("/passkeys", { done: "removed" });
      });
    });
  }

  // パスキー必須: on or off, each after an assertion with one of the customer's passkeys.
  const toggle = document.getElementById("passkey-required-toggle");
  if (toggle !== null) {
    const setRequired = async (button) => {
      const enabled = toggle.dataset.enable === "true";
      await busy(button, document.getElementById("passkey-required-error"), async () => {
        const { options } = await api("POST", "/api/v1/settings/passkey-required/options");
        const response = await startAuthentication({ optionsJSON: options });
        await api("PUT", "/api/v1/settings/passkey-required", { enabled, response });
        go("/passkeys", { done: enabled ? "required-on" : "required-off" });
      });
    };
    // One passkey on one device (issue 21 item 6): first the warning, which offers a second passkey.
    const warning = toggle.dataset.warn === undefined ? null : document.getElementById(toggle.dataset.warn);
    toggle.addEventListener("click", () => {
      if (warning === null) {
        void setRequired(toggle);
        return;
      }
      hideDone();
      warning.hidden = false;
      warning.focus();
    });
    if (warning !== null) {
      document.getElementById("passkey-required-confirm").addEventListener("click", (event) => setRequired(event.currentTarget));
      document.getElementById("passkey-required-add-another").addEventListener("click", async (event) => {
        warning.hidden = true;
        document.getElementById("passkey-register").scrollIntoView();
        await sendCode(event.currentTarget);
      });
      document.getElementById("passkey-required-cancel").addEventListener("click", () => {
        warning.hidden = true;
        toggle.focus();
      });
    }
  }
})();
