import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstValueFrom, lastValueFrom, mergeMap, of, toArray } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JournalEntry } from "../../src/codecs/journal_entry.js";
import type { UsageEntry } from "../../src/codecs/metrics.js";
import { createHttpModel } from "../../src/models/http_model.js";
import {
  createUsageMeter,
  formatUsage,
  mergeUsageEntries,
  usageReport,
  usageSince,
} from "../../src/models/usage_meter.js";
import { JOURNAL_FILE_NAME, openJournal } from "../../src/streams/journal.js";
import { type OpenAiServer, type RequestContext, startOpenAiServer } from "../_helpers/openai_server.js";

/** The usage the server reports for a prompt: known numbers derived from it. */
function usageFor(prompt: string): { prompt_tokens: number; completion_tokens: number } {
  return { prompt_tokens: 100 + prompt.length, completion_tokens: 3 * prompt.length };
}

let server: OpenAiServer;
let directory = "";

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "tripost-usage-"));
  server = await startOpenAiServer({
    handler: (context: RequestContext) =>
      context.key.startsWith("nousage")
        ? undefined
        : { texts: [`ok:${context.key}`], usage: usageFor(context.key) },
    faults: (context) => (context.key === "fail" ? { type: "status", status: 400 } : undefined),
  });
});

afterAll(async () => {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
});

describe("createUsageMeter()", () => {
  it("count() sums the usage the server returned, per label, served and sent alike; failures count nothing", async () => {
    const model = createHttpModel({ baseUrl: server.url, model: "m", maxRetries: 0 });
    try {
      const meter = createUsageMeter();
      const critique = meter.count({ stage: "critique", model: "expert" }, model);
      const improve = meter.count({ stage: "improve", model: "expert" }, model);
      const prompts = ["alpha", "be", "gamma!"];
      await lastValueFrom(of(...prompts).pipe(mergeMap((prompt) => critique({ prompt }), 3), toArray()));
      await firstValueFrom(improve({ prompt: "delta" }));
      await firstValueFrom(improve({ prompt: "fail" })).catch(() => undefined);
      const { served, sent } = meter.snapshot();
      expect(served).toEqual(sent);
      expect(served).toEqual([
        {
          stage: "critique",
          model: "expert",
          calls: 3,
          callsWithoutUsage: 0,
          promptTokens: prompts.reduce((sum, prompt) => sum + usageFor(prompt).prompt_tokens, 0),
          completionTokens: prompts.reduce((sum, prompt) => sum + usageFor(prompt).completion_tokens, 0),
        },
        { stage: "improve", model: "expert", calls: 1, callsWithoutUsage: 0, promptTokens: 105, completionTokens: 15 },
      ]);
    } finally {
      await model.close();
    }
  });

  it("journaled() counts a replayed call as served but not as sent, with its recorded tokens", async () => {
    const path = join(directory, "a", JOURNAL_FILE_NAME);
    const model = createHttpModel({ baseUrl: server.url, model: "m", maxRetries: 0 });
    try {
      const label = { stage: "rollout", model: "student" };
      const first = createUsageMeter();
      const journal = openJournal(path, JournalEntry);
      const counted = first.journaled(label, model, journal);
      await firstValueFrom(counted({ prompt: "one", seed: 1 }));
      await firstValueFrom(counted({ prompt: "two", seed: 1 }));
      journal.close();
      const before = server.counts.requests;

      const second = createUsageMeter();
      const resumed = openJournal(path, JournalEntry, { resume: true });
      const again = second.journaled(label, model, resumed);
      await firstValueFrom(again({ prompt: "one", seed: 1 }));
      await firstValueFrom(again({ prompt: "two", seed: 1 }));
      await firstValueFrom(again({ prompt: "three", seed: 1 }));
      resumed.close();
      expect(server.counts.requests - before).toBe(1);
      const { served, sent } = second.snapshot();
      const tokens = (prompts: string[]) => ({
        promptTokens: prompts.reduce((sum, prompt) => sum + usageFor(prompt).prompt_tokens, 0),
        completionTokens: prompts.reduce((sum, prompt) => sum + usageFor(prompt).completion_tokens, 0),
      });
      expect(served).toEqual([{ ...label, calls: 3, callsWithoutUsage: 0, ...tokens(["one", "two", "three"]) }]);
      expect(sent).toEqual([{ ...label, calls: 1, callsWithoutUsage: 0, ...tokens(["three"]) }]);
      expect(formatUsage(usageReport(served), sent)).toContain("2 of the calls were not sent by this process (replayed from a journal or done by an earlier run): not new spend");
    } finally {
      await model.close();
    }
  });

  it("counts a response without usage as a call without tokens", async () => {
    const meter = createUsageMeter();
    const model = meter.count(
      { stage: "evaluate", model: "x" },
      () => of({ choices: [{ text: "t", finishReason: "stop" }] }),
    );
    await firstValueFrom(model({ prompt: "nousage" }));
    const report = usageReport(meter.snapshot().served);
    expect(report.total).toEqual({ calls: 1, callsWithoutUsage: 1, promptTokens: 0, completionTokens: 0 });
    expect(formatUsage(report)).toContain("1 calls reported no token usage");
  });

  it("usageSince() gives what was counted between two snapshots", async () => {
    const meter = createUsageMeter();
    const model = meter.count({ stage: "lmsi", model: "student" }, () =>
      of({ choices: [{ text: "t", finishReason: "stop" }], usage: { promptTokens: 10, completionTokens: 2 } }));
    await firstValueFrom(model({ prompt: "a" }));
    const before = meter.snapshot();
    await firstValueFrom(model({ prompt: "b" }));
    await firstValueFrom(model({ prompt: "c" }));
    const delta = usageSince(meter.snapshot(), before);
    expect(delta.served).toEqual([{ stage: "lmsi", model: "student", calls: 2, callsWithoutUsage: 0, promptTokens: 20, completionTokens: 4 }]);
    expect(usageSince(before, before).served).toEqual([]);
  });

  it("refuses a label without a stage or a model", () => {
    const meter = createUsageMeter();
    expect(() => meter.count({ stage: "", model: "m" }, () => of({ choices: [] }))).toThrow(/stage and a model/);
  });
});

const entryArbitrary: fc.Arbitrary<UsageEntry> = fc.record({
  stage: fc.constantFrom("rollout", "critique", "improve", "evaluate", "lmsi"),
  model: fc.constantFrom("student", "http://127.0.0.1:1/v1", "embedded:m0"),
  calls: fc.nat(50),
  callsWithoutUsage: fc.nat(5),
  promptTokens: fc.nat(100_000),
  completionTokens: fc.nat(100_000),
});

describe("usageReport()", () => {
  it("sums entries per stage, per model and in total, whatever their order", () => {
    fc.assert(
      fc.property(fc.array(entryArbitrary, { maxLength: 20 }), fc.nat(), (entries, seed) => {
        const report = usageReport(entries);
        const sum = (pick: (entry: UsageEntry) => number) => entries.reduce((total, entry) => total + pick(entry), 0);
        expect(report.total).toEqual({
          calls: sum((entry) => entry.calls),
          callsWithoutUsage: sum((entry) => entry.callsWithoutUsage),
          promptTokens: sum((entry) => entry.promptTokens),
          completionTokens: sum((entry) => entry.completionTokens),
        });
        for (const group of [report.byStage, report.byModel]) {
          const tokens = Object.values(group).reduce((total, counts) => total + counts.promptTokens, 0);
          expect(tokens).toBe(report.total.promptTokens);
        }
        for (const [stage, counts] of Object.entries(report.byStage)) {
          expect(counts.completionTokens).toBe(sum((entry) => (entry.stage === stage ? entry.completionTokens : 0)));
        }
        // One entry per (stage, model), sorted; any order of the input gives the same JSON.
        const keys = report.entries.map((entry) => `${entry.stage}\u0000${entry.model}`);
        expect(new Set(keys).size).toBe(keys.length);
        expect([...keys].sort()).toEqual(keys);
        const shuffled = [...entries].sort((left, right) => ((JSON.stringify(left).length * (seed + 1)) % 7) - ((JSON.stringify(right).length * (seed + 1)) % 7));
        expect(JSON.stringify(usageReport(shuffled))).toBe(JSON.stringify(report));
        expect(mergeUsageEntries([entries.slice(0, 3), entries.slice(3)])).toEqual(report.entries);
      }),
      { seed: 6, numRuns: 100 },
    );
  });
});
