/**
 * A server-sent events decoder: text in (in arbitrary network pieces), events out. Events end at a
 * blank line (`\n\n`, `\r\n\r\n` or `\r\r`); lines starting with `:` are comments; `data:` lines of
 * one event are joined with `\n`.
 *
 * @module
 */

/** One decoded event. */
export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

/** Incremental SSE decoder. */
export class SseDecoder {
  #buffer = "";
  #data: string[] = [];
  #event: string | undefined = undefined;

  /** Feeds a piece of text; returns the events it completed. */
  push(text: string): SseEvent[] {
    this.#buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      const newline = this.#nextLineEnd(start);
      if (newline === -1) break;
      const line = this.#buffer.slice(start, newline);
      // A lone "\r" at the end of the buffer may be the first half of "\r\n": wait for more.
      let next = newline + 1;
      if (this.#buffer[newline] === "\r") {
        if (newline + 1 === this.#buffer.length) break;
        if (this.#buffer[newline + 1] === "\n") next = newline + 2;
      }
      start = next;
      const event = this.#line(line);
      if (event !== undefined) events.push(event);
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  /** Ends the input; returns a last event not followed by a blank line, if any. */
  end(): SseEvent[] {
    const events = this.#buffer === "" ? [] : this.push("\n");
    const last = this.#line("");
    return last === undefined ? events : [...events, last];
  }

  /** Whether the decoder holds a partial line or event (a stream cut mid-event). */
  get pending(): boolean {
    return this.#buffer !== "" || this.#data.length > 0;
  }

  #nextLineEnd(start: number): number {
    const lf = this.#buffer.indexOf("\n", start);
    const cr = this.#buffer.indexOf("\r", start);
    if (cr === -1) return lf;
    if (lf === -1) return cr;
    return Math.min(lf, cr);
  }

  #line(line: string): SseEvent | undefined {
    if (line === "") {
      if (this.#data.length === 0 && this.#event === undefined) return undefined;
      const event = { event: this.#event, data: this.#data.join("\n") };
      this.#data = [];
      this.#event = undefined;
      return event;
    }
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") this.#data.push(value);
    else if (field === "event") this.#event = value;
    return undefined;
  }
}
