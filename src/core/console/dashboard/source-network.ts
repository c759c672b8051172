/**
 * The network an address belongs to, as the dashboard groups failed logins (issue 22 §2):
 * IPv4 by /24, IPv6 by /48 (a site's usual allocation), an IPv4-mapped IPv6 address as IPv4.
 * Null for anything that is not an address (an audit row from the command line says "cli").
 */
export function sourceNetwork(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const text = mapped?.[1] ?? address;
  const v4 = ipv4Octets(text);
  if (v4 !== null) {
    return `${v4[0]}.${v4[1]}.${v4[2]}.0/24`;
  }
  const groups = ipv6Groups(text);
  if (groups === null) {
    return null;
  }
  return `${groups.slice(0, 3).map((group) => group.toString(16)).join(":")}::/48`;
}

function ipv4Octets(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) {
    return null;
  }
  return parts.map(Number);
}

/** The eight 16-bit groups of an IPv6 address ("::" expanded, a zone or a dotted tail allowed), or null. */
function ipv6Groups(text: string): number[] | null {
  const bare = text.split("%")[0] ?? "";
  if (!bare.includes(":") || bare.split("::").length > 2) {
    return null;
  }
  const [head = "", tail] = bare.split("::");
  const side = (part: string): string[] => (part === "" ? [] : part.split(":"));
  const expand = (parts: string[]): number[] | null => {
    const groups: number[] = [];
    for (const [index, part] of parts.entries()) {
      const dotted = index === parts.length - 1 ? ipv4Octets(part) : null;
      if (dotted !== null) {
        groups.push(((dotted[0] ?? 0) << 8) | (dotted[1] ?? 0), ((dotted[2] ?? 0) << 8) | (dotted[3] ?? 0));
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
        groups.push(Number.parseInt(part, 16));
      } else {
        return null;
      }
    }
    return groups;
  };
  const left = expand(side(head));
  const right = tail === undefined ? [] : expand(side(tail));
  if (left === null || right === null) {
    return null;
  }
  const missing = 8 - left.length - right.length;
  if ((tail === undefined && missing !== 0) || (tail !== undefined && missing < 1)) {
    return null;
  }
  return [...left, ...Array<number>(Math.max(missing, 0)).fill(0), ...right];
}
