/**
 * One pass of a leased-queue worker (the mail outbox, back-channel logouts): claims due items while
 * there are free slots, hands each to `send` (which adds its promise to `sending` and removes it when
 * done), waits for a slot when all are taken, and stops once a claim comes back short. How many were claimed.
 */
export async function claimWhileFree<Item>(
  maxInFlight: number,
  sending: ReadonlySet<Promise<void>>,
  claim: (limit: number) => Promise<Item[]>,
  send: (item: Item) => void,
): Promise<number> {
  let tried = 0;
  for (;;) {
    const free = maxInFlight - sending.size;
    if (free <= 0) {
      await Promise.race(sending);
      continue;
    }
    const claimed = await claim(free);
    for (const item of claimed) {
      send(item);
    }
    tried += claimed.length;
    if (claimed.length < free) {
      return tried;
    }
  }
}
