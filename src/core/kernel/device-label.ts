import Bowser from "bowser";

/** What the core records when the User-Agent (or the address) names nothing we know: one value for the audit log and the API. */
export const UNKNOWN_DEVICE = "不明 (unknown)";

/** A device or IP address as a Japanese or an English text writes it: 「不明」 or "unknown" when we could not name it. */
export function originInWords(value: string, lang: "ja" | "en"): string {
  if (value !== UNKNOWN_DEVICE) {
    return value;
  }
  return lang === "ja" ? "不明" : "unknown";
}

// Only names from the parser's own tables may reach a mail: for a browser word it does not
// know, Bowser returns the word itself, so a User-Agent such as "Unlock now at https://…/1.0"
// would put the attacker's link into a genuine mail from our domain (a phishing kit).
// "Generic" is Bowser's name for "no idea" and means nothing to a customer.
const KNOWN_BROWSERS = new Set(Object.values(Bowser.BROWSER_MAP).filter((name) => name !== "Generic"));
const KNOWN_SYSTEMS = new Set(Object.values(Bowser.OS_MAP));
// Version parts are copied from the User-Agent too: digits only for a browser, and for a
// system either digits and dots or a version name (Windows "10", macOS "Sonoma") that
// comes from the parser's tables, which hold plain words.
const BROWSER_VERSION = /^\d{1,4}$/;
const SYSTEM_VERSION = /^(?:\d{1,4}(?:\.\d{1,4}){0,2}|[A-Za-z]{2,12}(?: [A-Za-z0-9]{1,8})?)$/;

/**
 * "Chrome 120 / Windows 10" from a User-Agent, for the code mail and the
 * login history, so a customer can tell whether a login was theirs (seed Q9).
 * Carries nothing but known names and numbers (STYLE 21).
 */
export function describeDevice(userAgent: string): string {
  let label = recentLabels.get(userAgent);
  if (label === undefined) {
    label = parseDevice(userAgent);
    if (recentLabels.size >= RECENT_LABELS) {
      recentLabels.clear();
    }
    recentLabels.set(userAgent, label);
  }
  return label;
}

// A login reads its browser's User-Agent three times (the code mail, the login notice, マイページ's last
// login), and Bowser takes about 20 µs each (issue 23); the same few User-Agents come again and again.
// The label depends on the string alone, so the last ones are remembered; past the bound, forgotten at once.
const RECENT_LABELS = 1000;
const recentLabels = new Map<string, string>();

function parseDevice(userAgent: string): string {
  if (userAgent.trim() === "") {
    return UNKNOWN_DEVICE;
  }
  const parsed = Bowser.parse(userAgent);
  const browser = knownLabel(KNOWN_BROWSERS, parsed.browser.name, parsed.browser.version?.split(".")[0], BROWSER_VERSION);
  const system = knownLabel(KNOWN_SYSTEMS, parsed.os.name, parsed.os.versionName ?? parsed.os.version, SYSTEM_VERSION);
  const label = [browser, system].filter((part) => part !== "").join(" / ");
  return label === "" ? UNKNOWN_DEVICE : label;
}

/** "Name version" when the name is in `known`; the version only when it has the expected shape. */
function knownLabel(known: ReadonlySet<string>, name: string | undefined, version: string | undefined, versionShape: RegExp): string {
  if (name === undefined || !known.has(name)) {
    return "";
  }
  return version !== undefined && versionShape.test(version) ? `${name} ${version}` : name;
}
