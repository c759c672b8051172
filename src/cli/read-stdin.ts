import { UsageError } from "./usage-error.ts";

/** Enough for any password the core accepts (MAX_PASSWORD_LENGTH characters), with room to spare. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * The password for a command, from standard input: the first line without its
 * line ending (CR LF or LF). On a terminal it prompts on `prompt` and does not
 * echo what is typed (`label`: the prompt, "Password: " unless said). Null when there is no password (nothing on the input, or
 * an empty first line). Passwords never come from arguments, which other users
 * of the machine can see in the process list.
 */
export async function readPassword(input: NodeJS.ReadStream, prompt: NodeJS.WritableStream, options?: { label?: string }): Promise<string | null> {
  const line = input.isTTY ? await readHiddenLine(input, prompt, options?.label ?? "Password: ") : await readFirstLine(input);
  return line === null || line === "" ? null : line;
}

async function readFirstLine(input: NodeJS.ReadableStream): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  let sawAnything = false;
  for await (const chunk of input) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    sawAnything = true;
    const newline = buffer.indexOf(0x0a);
    // Collected as bytes and decoded once, so a character split across chunks stays whole.
    chunks.push(newline === -1 ? buffer : buffer.subarray(0, newline));
    size += buffer.length;
    if (newline !== -1) {
      break;
    }
    if (size > MAX_LINE_BYTES) {
      throw new UsageError("the first line of standard input is too long for a password");
    }
  }
  if (!sawAnything) {
    return null;
  }
  return Buffer.concat(chunks).toString("utf8").replace(/\r$/, "");
}

function readHiddenLine(input: NodeJS.ReadStream, output: NodeJS.WritableStream, label: string): Promise<string | null> {
  return new Promise((resolve) => {
    let typed: string[] = [];
    const finish = (value: string | null): void => {
      input.off("data", onData);
      input.setRawMode(false);
      input.pause();
      output.write("\n");
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") {
          finish(typed.join(""));
          return;
        }
        if (char === "\u0003") {
          // Ctrl-C in raw mode arrives as a character: restore the terminal, then stop as SIGINT would.
          finish(null);
          process.kill(process.pid, "SIGINT");
          return;
        }
        if (char === "\u0004") {
          finish(typed.length === 0 ? null : typed.join(""));
          return;
        }
        if (char === "\u007f" || char === "\b") {
          typed = typed.slice(0, -1);
        } else if (char === "\u0015") {
          typed = []; // Ctrl-U: start over
        } else if (char >= " ") {
          typed.push(char);
        }
      }
    };
    output.write(label);
    input.setRawMode(true);
    input.resume();
    input.on("data", onData);
  });
}
