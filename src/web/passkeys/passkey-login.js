// The login page's passkey login (issue 13 §2): the 「パスキーでログイン」 button, and browser
// autofill (conditional mediation: the login ID field, autocomplete="username webauthn", offers
// the passkeys as soon as the page loads). Either way: options from POST
// /api/v1/login/passkey/options, the browser's passkey dialog, POST /api/v1/login/passkey, then
// マイページ. Without JavaScript or passkey support the section stays hidden and the
// ID + password + code login is all there is.
"use strict";

(function () {
  const { api, isReplaced, showError, hideError, supported, go } = window.OkbPasskeys;
  const section = document.getElementById("passkey-login");
  if (section === null || !supported()) {
    return;
  }
  const { startAuthentication, browserSupportsWebAuthnAutofill } = window.SimpleWebAuthnBrowser;
  const button = document.getElementById("passkey-login-button");
  const errorBox = document.getElementById("passkey-error");
  section.hidden = false;

  // Each start of a ceremony takes a number: an autofill offer still fetching its options when the
  // button starts a newer one must not start its own after it (the library would abort the button's).
  let latest = 0;

  async function logIn(autofill) {
    const mine = ++latest;
    let options;
    try {
      ({ options } = await api("POST", "/api/v1/login/passkey/options"));
    } catch (error) {
      // The offer on load is the page's idea, not the customer's: a failure to make it says nothing.
      if (autofill) {
        return;
      }
      throw error;
    }
    if (autofill && mine !== latest) {
      return;
    }
    const response = await startAuthentication({ optionsJSON: options, useBrowserAutofill: autofill });
    await api("POST", "/api/v1/login/passkey", { response });
    go("/");
  }

  /**
   * Offers the passkeys in the login ID field's suggestions. The request waits until the
   * customer picks one; the button replaces it (the library aborts it), which is not an error.
   */
  async function offerInAutofill() {
    // A page without a login ID field (the step-up page for a trading site) has nothing to offer them in.
    if (!(await browserSupportsWebAuthnAutofill()) || document.querySelector("input[autocomplete$='webauthn']") === null) {
      return;
    }
    try {
      await logIn(true);
    } catch (error) {
      if (!isReplaced(error)) {
        showError(errorBox, error);
      }
    }
  }

  button.addEventListener("click", async () => {
    hideError(errorBox);
    button.disabled = true;
    try {
      await logIn(false);
    } catch (error) {
      if (!isReplaced(error)) {
        showError(errorBox, error);
      }
      button.disabled = false;
      // The dialog ended the autofill offer: make it again, so the field still suggests passkeys.
      void offerInAutofill();
    }
  });

  void offerInAutofill();
})();
