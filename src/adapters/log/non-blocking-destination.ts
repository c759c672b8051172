import type { Writable } from "node:stream";
import type { DestinationStream } from "pino";

/**
 * Log lines held in memory while the reader of stdout is slow, about 10,000 access-log
 * lines (some 20 s of the 9:00 storm at info); beyond it lines are dropped, not queued.
 */
export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface NonBlockingDestination extends DestinationStream {
  /** Lines dropped so far because the output was not being read (or was gone). */
  droppedLines(): number;
}

export interface NonBlockingDestinationOptions {
  maxBufferedBytes?: number;
  /** Called with how many lines were dropped, before the first line taken after the gap; it may log. */
  onRecovered?: (dropped: number) => void;
}

/**
 * Logging must never block the process (security review: a server whose stdout
 * nobody read ignored SIGTERM, stuck in pino's synchronous flush at exit, and its
 * buffer grew without bound before that). So lines go to `output` (stdout: on a
 * pipe or socket Node writes without blocking and drops what is left at exit),
 * at most `maxBufferedBytes` of them wait, and the rest are counted and dropped;
 * the count is reported once the reader catches up. A closed pipe (EPIPE) stops
 * logging instead of crashing the process. Nothing here is flushed synchronously,
 * so exit and the shutdown deadline never wait for the reader.
 */
// A line logged just before the process exits still leaves: uncorked at exit, the write is attempted at once on a pipe.
const uncorkAtExit = new Set<() => void>();
process.once("exit", () => {
  for (const uncork of uncorkAtExit) {
    uncork();
  }
});

export function createNonBlockingDestination(output: Writable, options: NonBlockingDestinationOptions = {}): NonBlockingDestination {
  const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  let broken = false;
  let dropped = 0;
  let droppedSinceReport = 0;
  output.on("error", () => {
    broken = true;
  });
  // The lines of one turn of the event loop leave in one write (writev) instead of one system call
  // each: in the 9:00 storm the access log's writes were a tenth of the server's socket work (issue 23).
  let corked = false;
  const uncork = (): void => {
    if (corked) {
      corked = false;
      uncorkAtExit.delete(uncork);
      output.uncork();
    }
  };
  return {
    write(line: string): void {
      if (broken || output.writableLength > maxBufferedBytes) {
        dropped += 1;
        droppedSinceReport += 1;
        return;
      }
      if (droppedSinceReport > 0) {
        // The gap is told just before the first line after it (the callback logs through here again).
        const count = droppedSinceReport;
        droppedSinceReport = 0;
        options.onRecovered?.(count);
      }
      if (!corked) {
        corked = true;
        output.cork();
        setImmediate(uncork);
        uncorkAtExit.add(uncork);
      }
      output.write(line);
    },
    droppedLines: (): number => dropped,
  };
}
