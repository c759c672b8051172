// The 「パスワードを表示」 toggles of form-field.eta (issue 21 item 4), served as /static/show-password.js
// (the CSP allows scripts from our origin only, none inline). Each button names its field with
// aria-controls; it is hidden in the page and shown here, so without script no dead button shows.
"use strict";

for (const button of document.querySelectorAll("button.reveal[aria-controls]")) {
  const field = document.getElementById(button.getAttribute("aria-controls") ?? "");
  if (!(field instanceof HTMLInputElement)) {
    continue;
  }
  button.hidden = false;
  // A <button> answers Enter and Space by itself: click is the one event to listen to.
  button.addEventListener("click", () => {
    const show = field.type === "password";
    field.type = show ? "text" : "password";
    button.setAttribute("aria-pressed", String(show));
  });
  // Dots again before the form goes: a password manager offers to save only what a password field sent.
  field.form?.addEventListener("submit", () => {
    field.type = "password";
    button.setAttribute("aria-pressed", "false");
  });
}
