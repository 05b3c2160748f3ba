/**
 * Whole lines of a file read by the byte offsets they start at (positioned reads: the file is
 * never loaded).
 *
 * @module
 */
import { closeSync, openSync, readSync } from "node:fs";

/** Reads whole lines of a file by the byte offsets they start at. */
export interface LineReader {
  /** The line starting at byte `offset`, without its line end. */
  lineAt(offset: number): string;
  close(): void;
}

/**
 * Opens `path` for reading lines by byte offset (positioned reads: the file is never loaded).
 *
 * @example
 * ```ts
 * const lines = openLineReader(path); // path holds 'a\nbc\n'
 * assertEquals(lines.lineAt(2), "bc");
 * lines.close();
 * ```
 */
export function openLineReader(path: string): LineReader {
  const descriptor = openSync(path, "r");
  let buffer = Buffer.alloc(4096);
  return {
    lineAt(offset) {
      let filled = 0;
      for (;;) {
        const read = readSync(descriptor, buffer, filled, buffer.length - filled, offset + filled);
        const end = buffer.indexOf(0x0a, filled);
        filled += read;
        if (end !== -1 && end < filled) return buffer.toString("utf8", 0, end);
        if (read === 0) {
          if (filled === 0) throw new RangeError(`Cannot read a line of ${path} as the offset is past its end: current value is ${offset}`);
          return buffer.toString("utf8", 0, filled);
        }
        if (filled === buffer.length) {
          const larger = Buffer.alloc(buffer.length * 2);
          buffer.copy(larger);
          buffer = larger;
        }
      }
    },
    close() {
      closeSync(descriptor);
    },
  };
}

