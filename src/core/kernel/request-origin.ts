import type { RequestContext } from "./request-context.ts";
import { UNKNOWN_DEVICE, describeDevice } from "./device-label.ts";

/** Where a request came from, as a mail may show it: only validated values (STYLE 21). */
export interface RequestOrigin {
  ip: string;
  device: string;
}

// Dotted IPv4, or IPv6 written with hex digits, colons and (IPv4-mapped) dots. The web layer
// already validates the address; this guard keeps a mail safe whatever a caller passes in.
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^(?=.*:)[0-9A-Fa-f:.]{2,45}$/;

/** The address itself when it is an IP address, else 「不明」: never other text from the request. */
export function displayIp(ip: string): string {
  return IPV4.test(ip) || IPV6.test(ip) ? ip : UNKNOWN_DEVICE;
}

export function describeRequestOrigin(context: RequestContext): RequestOrigin {
  return { ip: displayIp(context.ip), device: describeDevice(context.userAgent) };
}
