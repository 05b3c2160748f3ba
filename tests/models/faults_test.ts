import { catchError, from, lastValueFrom, map, mergeMap, of } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EndpointError } from "../../src/models/errors.js";
import { createHttpModel, type HttpModel } from "../../src/models/http_model.js";
import { createEndpointLimiter } from "../../src/streams/limit_endpoint.js";
import { seededFaults, startOpenAiServer, type Fault, type OpenAiServer } from "../_helpers/openai_server.js";

const kinds: readonly Fault[] = [
  { type: "status", status: 429, headers: { "retry-after-ms": "20" } },
  { type: "status", status: 429, headers: { "retry-after": "0.03" } },
  { type: "status", status: 500 },
  { type: "status", status: 503 },
  { type: "reset" },
  { type: "stall" },
  { type: "malformed" },
  { type: "truncated" },
  { type: "slow", ms: 30 },
];

type Outcome = { kind: "response"; text: string } | { kind: "failure"; error: unknown };

describe("createHttpModel() under injected faults", () => {
  let server: OpenAiServer;
  let model: HttpModel;
  const maxRetries = 4;

  beforeAll(async () => {
    server = await startOpenAiServer({ faults: seededFaults({ rate: 0.2, seed: 20261125, kinds }) });
    model = createHttpModel({
      baseUrl: server.url,
      model: "m",
      // Long enough that a busy test machine never times out a request the server did answer
      // (that would hide the 429 from the client and spoil the retry-after check).
      headersTimeoutMs: 1000,
      bodyTimeoutMs: 1000,
      maxRetries,
      connections: 128,
      retry: { initialDelayMs: 5, maxDelayMs: 40 },
    });
  });

  afterAll(async () => {
    await model.close();
    await server.close();
  });

  it("createHttpModel() ends every one of 10,000 requests once, as a response or a typed failure, never retrying before retry-after", async () => {
    const count = 10_000;
    const keys = Array.from({ length: count }, (_, index) => `request-${index}`);
    const outcomes = new Map<string, Outcome[]>();
    const started = performance.now();
    await lastValueFrom(
      from(keys).pipe(
        mergeMap(
          (key) =>
            model({ prompt: key, maxTokens: 8 }).pipe(
              map((response): Outcome => ({ kind: "response", text: response.choices[0]?.text ?? "" })),
              catchError((error: unknown) => of<Outcome>({ kind: "failure", error })),
              map((outcome) => {
                const list = outcomes.get(key) ?? [];
                list.push(outcome);
                outcomes.set(key, list);
                return outcome;
              }),
            ),
          128,
        ),
      ),
    );
    const elapsed = performance.now() - started;

    // Every request ended exactly once.
    expect(outcomes.size).toBe(count);
    let failures = 0;
    for (const key of keys) {
      const list = outcomes.get(key) ?? [];
      expect(list).toHaveLength(1);
      const outcome = list[0] as Outcome;
      if (outcome.kind === "response") {
        expect(outcome.text).toBe(`echo:${key}`);
      } else {
        failures++;
        expect(outcome.error).toBeInstanceOf(EndpointError);
        // A failure only after the retries ran out.
        expect(server.arrivals.get(key)).toHaveLength(maxRetries + 1);
      }
    }
    // The faults were real: about a fifth of first arrivals.
    const injected = Object.values(server.counts.faults).reduce((sum, value) => sum + value, 0);
    expect(injected).toBeGreaterThan(0.2 * count * 0.9);
    expect(failures).toBeLessThan(20);

    // No retry came before the server's retry-after.
    let checkedGaps = 0;
    for (const arrivals of server.arrivals.values()) {
      for (let index = 1; index < arrivals.length; index++) {
        const previous = arrivals[index - 1]!;
        if (previous.retryAfterMs === undefined || previous.answeredAt === undefined) continue;
        checkedGaps++;
        expect(arrivals[index]!.at - previous.answeredAt).toBeGreaterThanOrEqual(previous.retryAfterMs);
      }
    }
    expect(checkedGaps).toBeGreaterThan(100);
    // No request was sent more often than the retries allow.
    for (const arrivals of server.arrivals.values()) expect(arrivals.length).toBeLessThanOrEqual(maxRetries + 1);
    // None hung: the whole run ends well within the test timeout (about 8 s on an idle 2-core machine).
    expect(elapsed).toBeLessThan(55_000);
  });

  it("createHttpModel() with a shared limiter keeps the in-flight limit under faults", async () => {
    // Not adaptive: random injected 429s would shrink the limit to 1 and serialise behind each stall.
    const limiter = createEndpointLimiter({ maxInFlight: 16, adaptive: false });
    const limited = createHttpModel({
      baseUrl: server.url,
      model: "m",
      headersTimeoutMs: 1000,
      maxRetries,
      limiter,
      retry: { initialDelayMs: 5, maxDelayMs: 40 },
    });
    let peak = 0;
    const keys = Array.from({ length: 500 }, (_, index) => `limited-${index}`);
    const results = await lastValueFrom(
      from(keys).pipe(
        mergeMap((key) => {
          peak = Math.max(peak, limiter.stats().inFlight);
          return limited({ prompt: key }).pipe(
            map(() => 1),
            catchError(() => of(0)),
          );
        }, 64),
        map(() => peak = Math.max(peak, limiter.stats().inFlight)),
      ),
      { defaultValue: 0 },
    );
    expect(results).toBeLessThanOrEqual(16);
    expect(peak).toBeLessThanOrEqual(16);
    expect(limiter.stats()).toEqual({ inFlight: 0, queued: 0, limit: expect.any(Number) });
    await limited.close();
  });
});
