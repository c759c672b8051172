import Bowser from "bowser";

/**
 * "Chrome 120 / Windows 10" from a User-Agent, for the code mail and the
 * login history, so a customer can tell whether a login was theirs (seed Q9).
 */
export function describeDevice(userAgent: string): string {
  if (userAgent.trim() === "") {
    return "不明 (unknown)";
  }
  const parsed = Bowser.parse(userAgent);
  const browser = [parsed.browser.name, parsed.browser.version?.split(".")[0]].filter(Boolean).join(" ");
  const os = [parsed.os.name, parsed.os.versionName ?? parsed.os.version].filter(Boolean).join(" ");
  const label = [browser, os].filter((part) => part !== "").join(" / ");
  return label === "" ? "不明 (unknown)" : label;
}
