import type { CliIo } from "./_command.js";

/** A progress line on stderr: redrawn in place on a terminal, plain periodic lines otherwise. */
export interface Progress {
  update(done: number, total: number, extra?: string): void;
  end(message?: string): void;
}

/** Options for {@linkcode createProgress}. */
export interface ProgressOptions {
  /** No output at all (`--quiet`). @default {false} */
  readonly quiet?: boolean;
  /** Plain lines at most this often. @default {2000} */
  readonly intervalMs?: number;
}

/** A progress reporter for one stage, labelled `label`. */
export function createProgress(io: CliIo, label: string, options: ProgressOptions = {}): Progress {
  const { quiet = false, intervalMs = 2000 } = options;
  const start = Date.now();
  let last = 0;
  let drawn = false;
  function line(done: number, total: number, extra?: string): string {
    const seconds = (Date.now() - start) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 && total > done ? ` eta ${Math.ceil((total - done) / rate)}s` : "";
    const width = 24;
    const filled = total > 0 ? Math.round((width * done) / total) : 0;
    const bar = io.isTty ? `[${"#".repeat(filled)}${".".repeat(width - filled)}] ` : "";
    return `${label} ${bar}${done}/${total} ${rate.toFixed(1)}/s${eta}${extra ? ` ${extra}` : ""}`;
  }
  return {
    update(done, total, extra) {
      if (quiet) return;
      const now = Date.now();
      if (io.isTty) {
        if (now - last < 100 && done < total) return;
        last = now;
        io.stderr.write(`\r\x1b[K${line(done, total, extra)}`);
        drawn = true;
      } else if (now - last >= intervalMs || done === total) {
        last = now;
        io.stderr.write(`${line(done, total, extra)}\n`);
      }
    },
    end(message) {
      if (quiet) return;
      if (drawn) io.stderr.write("\r\x1b[K");
      if (message !== undefined) io.stderr.write(`${label} ${message}\n`);
    },
  };
}
