import type { Clock } from "../../src/core/kernel/ports.ts";

/** A clock that moves only when a test says so (STYLE 14: time is an input). */
export class ManualClock implements Clock {
  private current: number;

  constructor(start = Date.UTC(2026, 10, 25, 0, 30, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
