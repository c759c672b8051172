/** A smartphone-app stand-in: JSON over real HTTP (fetch) with its own cookie jar. */
export class ApiClient {
  readonly cookies = new Map<string, string>();

  async call(baseUrl: string, method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: Record<string, any> }> {
    const headers: Record<string, string> = { "user-agent": "OKBApp/3.1 (test)" };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
    }
    if (this.cookies.size > 0) {
      headers["cookie"] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const line of response.headers.getSetCookie()) {
      const [pair = "", ...attributes] = line.split(";");
      const [name = "", value = ""] = pair.split("=");
      const expired = (attribute: string): boolean => {
        const [key = "", date = ""] = attribute.split("=");
        return key.trim().toLowerCase() === "expires" && Date.parse(date) <= Date.now();
      };
      const cleared = value === "" || attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute) || expired(attribute));
      if (cleared) {
        this.cookies.delete(name.trim());
      } else {
        this.cookies.set(name.trim(), value);
      }
    }
    const text = await response.text();
    return { status: response.status, json: text === "" ? {} : (JSON.parse(text) as Record<string, any>) };
  }
}
