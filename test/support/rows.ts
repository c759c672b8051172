import { randomUUID } from "node:crypto";
import type { Customer, LoginRecord, Session } from "../../src/core/kernel/ports.ts";

/** The contract suites' clock: 2026-11-25 09:30 in Tokyo. */
export const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);

/** A session row for `customer`, as the session service would make it. */
export function newSession(customer: Customer, overrides: Partial<Session> = {}): Session {
  return {
    idHash: randomUUID().replaceAll("-", ""),
    customerId: customer.id,
    authMethods: ["pwd", "otp"],
    createdAt: NOW,
    lastSeenAt: NOW,
    ip: "198.51.100.7",
    userAgent: "Mozilla/5.0 contract-test",
    ...overrides,
  };
}

export function newLogin(customer: Customer, overrides: Partial<LoginRecord> = {}): LoginRecord {
  return {
    id: randomUUID(),
    customerId: customer.id,
    at: NOW,
    ip: "198.51.100.7",
    userAgent: "Mozilla/5.0 contract-test",
    authMethods: ["pwd", "otp"],
    ...overrides,
  };
}
