/**
 * VERP (variable envelope return path): each mail we send names itself in its SMTP
 * MAIL FROM, `bounce+<mail id>@<bounce domain>`, so a delivery status notification
 * coming back to that address says which mail failed without reading its text.
 */
const MAIL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The return path of the mail `mailId`. */
export function verpAddress(mailId: string, bounceDomain: string): string {
  return `bounce+${mailId}@${bounceDomain}`;
}

/** The mail ID a return path names, or null for any other address (another domain, another form, not a mail ID). */
export function mailIdOfVerp(address: string, bounceDomain: string): string | null {
  const at = address.lastIndexOf("@");
  if (at < 0 || address.slice(at + 1).toLowerCase() !== bounceDomain.toLowerCase()) {
    return null;
  }
  const local = address.slice(0, at);
  if (!local.toLowerCase().startsWith("bounce+")) {
    return null;
  }
  const id = local.slice("bounce+".length).toLowerCase();
  return MAIL_ID.test(id) ? id : null;
}
