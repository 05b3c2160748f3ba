/**
 * Endpoint benchmark (`npm run bench:endpoints`). Local OpenAI-compatible servers run in child
 * processes (so their CPU is not charged to the client) and answer `/v1/completions`.
 *
 * (a) throughput of our HTTP model at concurrency 64 against a server with 50 ms latency, as a
 *     fraction of the Little's-law limit 64 / 50 ms = 1280 requests/s;
 * (b) requests per second and client CPU time per request against a zero-latency server for our
 *     client, the official `openai` SDK (semaphore of 64, `maxRetries: 0`) and a bare undici
 *     `Pool.request` loop.
 *
 * Environment: BENCH_SCALE (default 1) scales the request counts, e.g. 0.1 for a quick run.
 *
 * @module
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import OpenAI from "openai";
import { concatMap, from, lastValueFrom, merge } from "rxjs";
import { Pool } from "undici";
import { createHttpModel } from "../src/models/http_model.js";
import { serveCompletions } from "./_completion_server.js";

const concurrency = 64;

// ---------------------------------------------------------------------------------------------
// server (child process)

function serve(latencyMs: number): void {
  serveCompletions((prompt) => ({ text: ` answer to ${prompt}`, usage: { prompt_tokens: 8, completion_tokens: 4, total_tokens: 12 } }), latencyMs);
}

function startChild(latencyMs: number): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(fileURLToPath(import.meta.url), ["serve", String(latencyMs)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("message", (message) => {
      const port = (message as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${port}/v1`, child });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// clients

interface Measure {
  readonly requests: number;
  readonly seconds: number;
  readonly cpuMicros: number;
}

async function measure(requests: number, run: (requests: number) => Promise<void>): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run(requests);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { requests, seconds, cpuMicros: used.user + used.system };
}

function ourClient(url: string): { run: (requests: number) => Promise<void>; close: () => Promise<void> } {
  const model = createHttpModel({ baseUrl: url, model: "bench", connections: concurrency, maxRetries: 2 });
  return {
    // 64 lanes, each calling one request after another: the same demand-driven shape as the
    // worker loops of the other clients. (A single `from(50,000 items).pipe(mergeMap(…, 64))`
    // parks the items in mergeMap's buffer, whose `shift()` on a large array costs more than the
    // HTTP call; the pipeline's demand-driven source avoids that buffer the same way.)
    run: async (requests) => {
      const lanes = Array.from({ length: concurrency }, (_, lane) => {
        const indexes: number[] = [];
        for (let index = lane; index < requests; index += concurrency) indexes.push(index);
        return from(indexes).pipe(concatMap((index) => model({ prompt: `p${index}`, maxTokens: 8 })));
      });
      await lastValueFrom(merge(...lanes), { defaultValue: undefined });
    },
    close: () => model.close(),
  };
}

async function workers(requests: number, call: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const index = next++;
        await call(index);
      }
    }),
  );
}

function sdkClient(url: string): { run: (requests: number) => Promise<void>; close: () => Promise<void> } {
  const client = new OpenAI({ baseURL: url, apiKey: "bench-key", maxRetries: 0 });
  return {
    run: (requests) =>
      workers(requests, async (index) => {
        await client.completions.create({ model: "bench", prompt: `p${index}`, max_tokens: 8 });
      }),
    close: async () => undefined,
  };
}

function undiciClient(url: string): { run: (requests: number) => Promise<void>; close: () => Promise<void> } {
  const parsed = new URL(url);
  const pool = new Pool(parsed.origin, { connections: concurrency });
  const path = `${parsed.pathname}/completions`;
  return {
    run: (requests) =>
      workers(requests, async (index) => {
        const { body } = await pool.request({
          path,
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "bench", prompt: `p${index}`, max_tokens: 8 }),
        });
        await body.json();
      }),
    close: () => pool.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// main

function row(name: string, result: Measure): string {
  const perSecond = result.requests / result.seconds;
  const cpu = result.cpuMicros / result.requests;
  return `${name.padEnd(22)} ${String(result.requests).padStart(7)} req ${perSecond.toFixed(0).padStart(8)} req/s ${cpu.toFixed(1).padStart(8)} µs CPU/req`;
}

async function main(): Promise<void> {
  const scale = Number(process.env["BENCH_SCALE"] ?? "1");
  const latencyRequests = Math.max(1000, Math.round(20_000 * scale));
  const zeroRequests = Math.max(2000, Math.round(50_000 * scale));
  const slow = await startChild(50);
  const fast = await startChild(0);
  try {
    console.log(`node ${process.version}, concurrency ${concurrency}, servers in child processes`);
    console.log("");
    console.log(`(a) 50 ms latency, ${latencyRequests} requests`);
    const ours50 = ourClient(slow.url);
    await ours50.run(Math.min(2000, latencyRequests)); // warm-up: connections, JIT
    const latency = await measure(latencyRequests, ours50.run);
    await ours50.close();
    const limit = concurrency / 0.05;
    const achieved = latency.requests / latency.seconds;
    console.log(`${row("tripost http model", latency)}  = ${(achieved / limit).toFixed(3)} of Little's limit ${limit} req/s`);
    console.log("");
    console.log(`(b) zero latency, ${zeroRequests} requests each, in 5 interleaved rounds`);
    const results: Record<string, Measure> = {};
    const clients = [
      ["tripost http model", ourClient(fast.url)],
      ["openai sdk 6.30.1", sdkClient(fast.url)],
      ["bare undici pool", undiciClient(fast.url)],
    ] as const;
    // Warm every client (and the server) first, so no client is measured on a colder JIT.
    for (const [, client] of clients) await client.run(Math.min(5000, zeroRequests));
    // Interleave the clients in rounds so that a change of load on the machine hits them alike.
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      for (const [name, client] of clients) {
        const part = await measure(Math.round(zeroRequests / rounds), client.run);
        const sum = results[name];
        results[name] = sum === undefined
          ? part
          : { requests: sum.requests + part.requests, seconds: sum.seconds + part.seconds, cpuMicros: sum.cpuMicros + part.cpuMicros };
      }
    }
    for (const [name] of clients) console.log(row(name, results[name] as Measure));
    for (const [, client] of clients) await client.close();
    const ours = results["tripost http model"] as Measure;
    const sdk = results["openai sdk 6.30.1"] as Measure;
    const bare = results["bare undici pool"] as Measure;
    const rate = (result: Measure): number => result.requests / result.seconds;
    console.log("");
    console.log(`ours / sdk   = ${(rate(ours) / rate(sdk)).toFixed(2)}× throughput, ${(sdk.cpuMicros / sdk.requests / (ours.cpuMicros / ours.requests)).toFixed(2)}× less CPU per request`);
    console.log(`ours / undici = ${(rate(ours) / rate(bare)).toFixed(2)} of throughput`);
  } finally {
    slow.child.disconnect();
    fast.child.disconnect();
  }
}

if (process.argv[2] === "serve") {
  serve(Number(process.argv[3] ?? "0"));
} else {
  await main();
}
