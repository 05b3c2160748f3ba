/**
 * Reads a text file lazily, one line per `next()`: a fixed-size chunk is read only when the
 * lines already decoded are used up, so memory stays at one chunk plus one line.
 *
 * @module
 */
import { open } from "node:fs/promises";
import { StringDecoder } from "node:string_decoder";

/** One line of a file: its 1-based number and its text without the line end. */
export interface NumberedLine {
  readonly line: number;
  readonly text: string;
}

/**
 * Yields the lines of `path` (split on `\n`; a trailing `\r` is dropped; a final empty line
 * after the last `\n` is not yielded). The file is closed when the iteration ends or is
 * returned early. `onBytes` sees every chunk's bytes as read, before its lines are yielded
 * (e.g. to hash the file in the same pass).
 */
export async function* readLines(
  path: string,
  chunkSize = 64 * 1024,
  onBytes?: (bytes: Buffer) => void,
): AsyncGenerator<NumberedLine, void, undefined> {
  const handle = await open(path, "r");
  try {
    const decoder = new StringDecoder("utf8");
    const buffer = Buffer.allocUnsafe(chunkSize);
    let pending = "";
    let line = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunkSize, null);
      if (bytesRead === 0) break;
      onBytes?.(buffer.subarray(0, bytesRead));
      pending += decoder.write(buffer.subarray(0, bytesRead));
      let start = 0;
      for (let end = pending.indexOf("\n", start); end !== -1; end = pending.indexOf("\n", start)) {
        line += 1;
        yield { line, text: stripReturn(pending.slice(start, end)) };
        start = end + 1;
      }
      pending = pending.slice(start);
    }
    pending += decoder.end();
    if (pending.length > 0) yield { line: line + 1, text: stripReturn(pending) };
  } finally {
    await handle.close();
  }
}

function stripReturn(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}
