import { z } from "zod";
import { parseListen } from "./config-values.ts";

/** Issue 22 §1: where bounces of our mails come back, and whether we listen for them. */
export interface BounceConfig {
  /** The domain of every mail's return path, `bounce+<mail id>@domain` (BOUNCE_DOMAIN, default MAIL_DOMAIN), lower case. */
  domain: string;
  /** BOUNCE_LISTEN: the inbound SMTP listener for delivery status notifications; null: off (the default). */
  listen: { host: string; port: number } | null;
}

/** The bounce variables, part of config.ts's schema. */
export const BOUNCE_ENV_SHAPE = {
  BOUNCE_DOMAIN: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be a domain name").optional(),
  BOUNCE_LISTEN: z
    .string()
    .regex(/^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]{1,5}$/, "must be host:port, e.g. 0.0.0.0:2525 or [::1]:2525")
    .refine((value) => parseListen(value) !== null, "must be host:port with a port of 0-65535 (an IPv6 address in brackets)")
    .optional(),
};

export function bounceSettings(e: { MAIL_DOMAIN: string; BOUNCE_DOMAIN?: string | undefined; BOUNCE_LISTEN?: string | undefined }): BounceConfig {
  return { domain: (e.BOUNCE_DOMAIN ?? e.MAIL_DOMAIN).toLowerCase(), listen: e.BOUNCE_LISTEN === undefined ? null : parseListen(e.BOUNCE_LISTEN) };
}
