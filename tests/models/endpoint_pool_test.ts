import { firstValueFrom, from, lastValueFrom, mergeMap, NEVER, Observable, of, toArray } from "rxjs";
import { afterEach, describe, expect, it } from "vitest";
import type { ModelResponse } from "../../src/codecs/model_call.js";
import { createEndpointPool, type EndpointPool } from "../../src/models/endpoint_pool.js";
import { EndpointConnectionError } from "../../src/models/errors.js";
import type { Model } from "../../src/models/model.js";
import { startOpenAiServer, type OpenAiServer } from "../_helpers/openai_server.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function server(options: Parameters<typeof startOpenAiServer>[0] = {}): Promise<OpenAiServer> {
  const started = await startOpenAiServer(options);
  cleanups.push(() => started.close());
  return started;
}

function poolOver(urls: string[], coolDownMs: number): EndpointPool {
  const pool = createEndpointPool(urls, {
    http: { model: "m", headersTimeoutMs: 2000, bodyTimeoutMs: 2000 },
    coolDownMs,
    retry: { initialDelayMs: 1, maxDelayMs: 5 },
  });
  cleanups.push(() => pool.close());
  return pool;
}

function run(pool: Model, keys: string[], concurrency: number): Promise<string[]> {
  return lastValueFrom(
    from(keys).pipe(
      mergeMap((key) => pool({ prompt: key }), concurrency),
      mergeMap((response) => of(response.choices[0]?.text ?? "")),
      toArray(),
    ),
  );
}

describe("createEndpointPool()", () => {
  it("createEndpointPool() sends each call to the replica with the fewest in flight", async () => {
    const calls: number[] = [0, 0];
    const answer: ModelResponse = { choices: [{ text: "x", finishReason: "stop" }] };
    function replica(position: number): Model {
      return (request) => {
        calls[position]!++;
        return "prompt" in request && request.prompt === "hold" ? NEVER : of(answer);
      };
    }
    const pool = createEndpointPool([replica(0), replica(1)], { maxRetries: 0 });
    const hanging = pool({ prompt: "hold" }).subscribe();
    const holder = calls[0] === 1 ? 0 : 1;
    for (let index = 0; index < 5; index++) await firstValueFrom(pool({ prompt: `b${index}` }));
    // One replica keeps a call in flight, so every later call goes to the other one.
    expect(calls[holder]).toBe(1);
    expect(calls[1 - holder]).toBe(5);
    expect(pool.stats()[holder]?.inFlight).toBe(1);
    hanging.unsubscribe();
    expect(pool.stats().map((replica) => replica.inFlight)).toEqual([0, 0]);
  });

  it("createEndpointPool() spreads load over two live servers", async () => {
    const first = await server({ latencyMs: 2 });
    const second = await server({ latencyMs: 2 });
    const pool = poolOver([first.url, second.url], 1000);
    const keys = Array.from({ length: 200 }, (_, index) => `spread-${index}`);
    const texts = await run(pool, keys, 16);
    expect(texts.sort()).toEqual(keys.map((key) => `echo:${key}`).sort());
    expect(first.counts.requests).toBeGreaterThan(50);
    expect(second.counts.requests).toBeGreaterThan(50);
  });

  it("createEndpointPool() sets a dead replica aside, fails over, and tries it again after the cool-down", async () => {
    const alive = await server({ latencyMs: 1 });
    const doomed = await startOpenAiServer({ latencyMs: 1 });
    const port = doomed.port;
    const pool = poolOver([alive.url, doomed.url], 300);
    const before = Array.from({ length: 100 }, (_, index) => `before-${index}`);
    await run(pool, before, 8);
    expect(doomed.counts.requests).toBeGreaterThan(0);
    await doomed.close();

    const during = Array.from({ length: 300 }, (_, index) => `during-${index}`);
    const texts = await run(pool, during, 8);
    expect(texts.sort()).toEqual(during.map((key) => `echo:${key}`).sort());
    const [, dead] = pool.stats();
    expect(dead?.coolingDown).toBe(true);
    // A few calls discover the death; the rest avoid the replica while it cools down.
    expect(dead?.failures).toBeGreaterThan(0);
    expect(dead?.failures).toBeLessThan(20);

    const revived = await server({ port, latencyMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    const after = Array.from({ length: 100 }, (_, index) => `after-${index}`);
    await run(pool, after, 8);
    expect(revived.counts.requests).toBeGreaterThan(10);
  });

  it("createEndpointPool() reports the connection error when every replica is down", async () => {
    const gone = await startOpenAiServer();
    const alsoGone = await startOpenAiServer();
    await gone.close();
    await alsoGone.close();
    const pool = poolOver([gone.url, alsoGone.url], 1000);
    await expect(firstValueFrom(pool({ prompt: "nobody home" }))).rejects.toBeInstanceOf(EndpointConnectionError);
  });

  it("createEndpointPool() passes other errors through its one retry layer", async () => {
    let calls = 0;
    const flaky: Model = () =>
      new Observable((subscriber) => {
        calls++;
        subscriber.error(Object.assign(new Error("busy"), { retryable: false }));
      });
    const pool = createEndpointPool([flaky], { retry: { initialDelayMs: 1 } });
    await expect(firstValueFrom(pool({ prompt: "x" }))).rejects.toThrow("busy");
    expect(calls).toBe(1);
  });

  it("createEndpointPool() rejects an empty list and base URLs without http options", () => {
    expect(() => createEndpointPool([])).toThrow(RangeError);
    expect(() => createEndpointPool(["http://127.0.0.1:1/v1"])).toThrow(TypeError);
  });
});
