/**
 * Wire cassettes of a real OpenAI-compatible server: what `tripost` sent over HTTP and the exact
 * bytes the server answered, one exchange per line
 * `{path, body, status, contentType, response}` (`body` the request's JSON, `response` the
 * response body as text). A recording proxy sits between `tripost` and the live server; a replay
 * server answers the same requests from the cassette alone, byte for byte, so that the whole path
 * (undici, the wire codecs, SSE, the parsers of the tasks and experts) runs on real model output
 * in `npm test`, without the model.
 *
 * Replay is strict: a request the cassette does not hold (the key is the path and the canonical
 * JSON of the body; identical requests take the recorded answers in order) is answered with a
 * 500 and counted in `misses`.
 */
import { appendFileSync, readFileSync } from "node:fs";
import { canonicalJson } from "../../src/streams/canonical_json.js";
import { listenLocal, readBody } from "../_helpers/local_server.js";

/** One recorded exchange. */
export interface WireExchange {
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  readonly contentType: string;
  readonly response: string;
}

/** A server on 127.0.0.1 that the tests talk to. */
export interface LocalServer {
  /** `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** Requests answered. */
  readonly calls: number;
  /** Requests the cassette did not hold (replay) or that failed upstream (record). */
  readonly misses: readonly string[];
  /**
   * Record: requests whose client went away before the answer came (a client timeout, then
   * perhaps a retry). Their answers are not recorded — the client never read them — so a run
   * with such requests does not replay as it ran live.
   */
  readonly abandoned: readonly string[];
  close(): Promise<void>;
}

/** The key of a request: its path and the canonical JSON of its body. */
export function exchangeKey(path: string, body: unknown): string {
  return `${path} ${canonicalJson(body)}`;
}

/** Reads a wire cassette (one exchange per line). */
export function loadWireCassette(path: string): WireExchange[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line, index) => {
      const value = JSON.parse(line) as Partial<WireExchange>;
      if (typeof value.path !== "string" || typeof value.status !== "number" || typeof value.response !== "string" || typeof value.contentType !== "string") {
        throw new SyntaxError(`Cannot load the wire cassette ${path} as line ${index + 1} lacks path, status, contentType or response`);
      }
      return value as WireExchange;
    });
}

/**
 * A proxy in front of `upstream` (a base URL ending in `/v1`) that forwards every request as it
 * is and appends each exchange to `cassettePath` (when given) as it completes.
 */
export async function startRecordingProxy(upstream: string, cassettePath?: string): Promise<LocalServer> {
  const base = new URL(upstream.replace(/\/+$/, "") + "/");
  const misses: string[] = [];
  const abandoned: string[] = [];
  let calls = 0;
  const { url, close } = await listenLocal((incoming, outgoing) => {
    void (async () => {
      const text = await readBody(incoming);
      const path = (incoming.url ?? "/").replace(/^\/v1\//, "");
      let clientGone = false;
      outgoing.on("close", () => {
        if (!outgoing.writableEnded) clientGone = true;
      });
      try {
        const response = await fetch(new URL(path, base), {
          method: incoming.method ?? "GET",
          headers: { "content-type": incoming.headers["content-type"] ?? "application/json" },
          ...(incoming.method === "POST" ? { body: text } : {}),
        });
        const responseText = await response.text();
        const contentType = response.headers.get("content-type") ?? "application/json";
        calls++;
        if (clientGone) {
          abandoned.push(`${incoming.url}: ${text.slice(0, 200)}`);
          return;
        }
        if (cassettePath !== undefined && incoming.method === "POST") {
          const exchange: WireExchange = { path: `/v1/${path}`, body: JSON.parse(text) as unknown, status: response.status, contentType, response: responseText };
          appendFileSync(cassettePath, `${JSON.stringify(exchange)}\n`);
        }
        outgoing.writeHead(response.status, { "content-type": contentType });
        outgoing.end(responseText);
      } catch (error) {
        misses.push(`${incoming.url}: ${error instanceof Error ? error.message : String(error)}`);
        outgoing.writeHead(502, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ error: { message: "upstream failed", type: "server_error", param: null, code: null } }));
      }
    })();
  });
  return {
    url,
    get calls() {
      return calls;
    },
    get misses() {
      return misses;
    },
    get abandoned() {
      return abandoned;
    },
    close,
  };
}

/** A server that answers from recorded exchanges only (see the module comment). */
export async function startReplayServer(exchanges: readonly WireExchange[]): Promise<LocalServer> {
  const queues = new Map<string, WireExchange[]>();
  for (const exchange of exchanges) {
    const key = exchangeKey(exchange.path, exchange.body);
    const queue = queues.get(key) ?? [];
    queue.push(exchange);
    queues.set(key, queue);
  }
  const served = new Map<string, number>();
  const misses: string[] = [];
  let calls = 0;
  const { url, close } = await listenLocal((incoming, outgoing) => {
    void (async () => {
      const text = await readBody(incoming);
      calls++;
      let key = `${incoming.method} ${incoming.url}`;
      try {
        key = exchangeKey(incoming.url ?? "", JSON.parse(text) as unknown);
      } catch {
        // not JSON: a miss under its method and path
      }
      const queue = queues.get(key);
      const count = served.get(key) ?? 0;
      // Identical requests take the recorded answers in order; past the last, the last again.
      const exchange = queue?.[Math.min(count, queue.length - 1)];
      if (exchange === undefined) {
        misses.push(key.slice(0, 300));
        outgoing.writeHead(500, { "content-type": "application/json" });
        outgoing.end(JSON.stringify({ error: { message: "wire cassette miss", type: "server_error", param: null, code: null } }));
        return;
      }
      served.set(key, count + 1);
      outgoing.writeHead(exchange.status, { "content-type": exchange.contentType });
      if (!exchange.contentType.startsWith("text/event-stream")) {
        outgoing.end(exchange.response);
        return;
      }
      // An event stream goes out in pieces of 61 bytes, one network write each, so that events
      // and lines are split across chunks as a real network splits them.
      const bytes = Buffer.from(exchange.response, "utf8");
      for (let start = 0; start < bytes.length; start += 61) {
        outgoing.write(bytes.subarray(start, start + 61));
        await new Promise((resolve) => setImmediate(resolve));
      }
      outgoing.end();
    })();
  });
  return {
    url,
    get calls() {
      return calls;
    },
    get misses() {
      return misses;
    },
    abandoned: [],
    close,
  };
}
