/**
 * The command line was used wrongly (unknown command or flag, missing flag,
 * no password on standard input). Exits with status 2; `showUsage` adds the
 * usage text below the one-line message.
 */
export class UsageError extends Error {
  readonly showUsage: boolean;

  constructor(message: string, options?: { showUsage?: boolean }) {
    super(message);
    this.name = "UsageError";
    this.showUsage = options?.showUsage ?? false;
  }
}
