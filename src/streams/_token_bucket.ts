/**
 * A token bucket that refills continuously, for requests-per-minute and tokens-per-minute limits.
 * Times come from the caller (an rxjs scheduler's `now()`), so virtual time works.
 *
 * @module
 */

/** A continuously refilled bucket; its level may go below zero (debt) after a large take. */
export class TokenBucket {
  readonly capacity: number;
  readonly perMs: number;
  #level: number;
  #updatedAt: number;

  constructor(perMinute: number, capacity: number, now: number) {
    this.capacity = capacity;
    this.perMs = perMinute / 60_000;
    this.#level = capacity;
    this.#updatedAt = now;
  }

  #refill(now: number): void {
    if (now > this.#updatedAt) {
      this.#level = Math.min(this.capacity, this.#level + (now - this.#updatedAt) * this.perMs);
      this.#updatedAt = now;
    }
  }

  /** The level at `now`. */
  level(now: number): number {
    this.#refill(now);
    return this.#level;
  }

  /**
   * Milliseconds until `amount` can be taken (0 if now). An amount above the capacity waits for
   * a full bucket and then runs it into debt, so a large request is never stuck.
   */
  waitMs(amount: number, now: number): number {
    this.#refill(now);
    const needed = Math.min(amount, this.capacity);
    // A tiny epsilon absorbs floating-point error in the refill.
    if (this.#level + 1e-6 >= needed) return 0;
    return Math.max(1, Math.ceil((needed - this.#level) / this.perMs - 1e-6));
  }

  /** Takes `amount` (possibly into debt). */
  take(amount: number, now: number): void {
    this.#refill(now);
    this.#level -= amount;
  }

  /** Adds `amount` back (negative: takes more), capped at the capacity. */
  adjust(amount: number, now: number): void {
    this.#refill(now);
    this.#level = Math.min(this.capacity, this.#level + amount);
  }

  /** Lowers the level to at most `value` (a server said how much is left). */
  capAt(value: number, now: number): void {
    this.#refill(now);
    this.#level = Math.min(this.#level, value);
  }
}
