/**
 * Progress of one CLI stage on stderr: on a terminal a bar redrawn in place (items done, share,
 * rate, ETA, rejections, retries), otherwise plain lines at most every `intervalMs` plus the
 * last one; nothing with `--quiet`. Every line starts with `LABEL DONE/TOTAL`, so logs are easy
 * to grep.
 *
 * @module
 */
import type { CliIo } from "./_command.js";

/** What a stage reports with an update besides its count of items done. */
export interface ProgressDetail {
  /** Items rejected so far (shown as `rejected N`). */
  readonly rejected?: number;
  /** Free text shown last, e.g. `pass 2` or `loss 0.412`. */
  readonly note?: string;
}

/** A progress line on stderr: redrawn in place on a terminal, plain periodic lines otherwise. */
export interface Progress {
  /** `done` of `total` items; `extra` is a note, or the rejections and a note. */
  update(done: number, total: number, extra?: string | ProgressDetail): void;
  /** Clears the bar and prints `LABEL message` (nothing when `message` is left out). */
  end(message?: string): void;
}

/** Options for {@linkcode createProgress}. */
export interface ProgressOptions {
  /** No output at all (`--quiet`). @default {false} */
  readonly quiet?: boolean;
  /** Plain lines at most this often. @default {2000} */
  readonly intervalMs?: number;
  /** Redraws of the bar at most this often. @default {100} */
  readonly redrawMs?: number;
  /**
   * The running count of retried model calls (e.g. `createRetryCounter().count` wired into the
   * stage's HTTP models); shown as `retries N` once it is above 0.
   */
  readonly retries?: () => number;
  /** The clock, in milliseconds. @default {Date.now} */
  readonly now?: () => number;
}

const BAR_WIDTH = 24;

/** A duration in whole seconds as `42s`, `3m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.ceil(seconds));
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, "0")}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, "0")}m`;
}

/** Items per second with two significant decimals below 10 (`0.25/s`, `3.4/s`, `120/s`). */
export function formatRate(rate: number): string {
  if (!Number.isFinite(rate) || rate <= 0) return "0/s";
  if (rate < 1) return `${rate.toFixed(2)}/s`;
  if (rate < 10) return `${rate.toFixed(1)}/s`;
  return `${Math.round(rate)}/s`;
}

function detailOf(extra: string | ProgressDetail | undefined): ProgressDetail {
  return typeof extra === "string" ? { note: extra } : extra ?? {};
}

/**
 * A progress reporter for one stage, labelled `label`.
 *
 * @example Count problems as they are done
 * ```ts
 * const progress = createProgress(io, "collect", { quiet: booleanFlag(args.flags, "quiet"), retries: () => counter.count });
 * progress.update(done, problems.length, { rejected, note: `pass ${pass}` });
 * progress.end(`${trajectories} trajectories`);
 * ```
 */
export function createProgress(io: CliIo, label: string, options: ProgressOptions = {}): Progress {
  const { quiet = false, intervalMs = 2000, redrawMs = 100, retries, now = Date.now } = options;
  const start = now();
  let last: number | undefined;
  let drawn = false;
  function line(done: number, total: number, detail: ProgressDetail, at: number): string {
    const seconds = (at - start) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const parts: string[] = [label];
    if (io.isTty) {
      const filled = total > 0 ? Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * done) / total)) : 0;
      parts.push(`[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}]`);
    }
    parts.push(`${done}/${total}`);
    if (total > 0) parts.push(`${Math.floor((100 * done) / total)}%`);
    parts.push(formatRate(rate));
    if (rate > 0 && total > done) parts.push(`eta ${formatDuration((total - done) / rate)}`);
    if (detail.rejected !== undefined) parts.push(`rejected ${detail.rejected}`);
    const retried = retries?.() ?? 0;
    if (retried > 0) parts.push(`retries ${retried}`);
    if (detail.note !== undefined && detail.note !== "") parts.push(detail.note);
    return parts.join(" ");
  }
  return {
    update(done, total, extra) {
      if (quiet) return;
      const at = now();
      const finished = done >= total;
      if (io.isTty) {
        if (last !== undefined && at - last < redrawMs && !finished) return;
        last = at;
        const text = line(done, total, detailOf(extra), at);
        // Keep the bar on one row, or `\r` would redraw only its last row.
        const columns = (io.stderr as { columns?: unknown }).columns;
        const fitted = typeof columns === "number" && columns > 1 && text.length >= columns ? text.slice(0, columns - 1) : text;
        io.stderr.write(`\r\x1b[K${fitted}`);
        drawn = true;
      } else if (last === undefined || at - last >= intervalMs || finished) {
        last = at;
        io.stderr.write(`${line(done, total, detailOf(extra), at)}\n`);
      }
    },
    end(message) {
      if (quiet) return;
      if (drawn) io.stderr.write("\r\x1b[K");
      drawn = false;
      if (message !== undefined) io.stderr.write(`${label} ${message}\n`);
    },
  };
}
