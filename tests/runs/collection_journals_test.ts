import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastValueFrom, of } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import { createUsageMeter } from "../../src/models/usage_meter.js";
import { createCollectionJournals } from "../../src/runs/collection_journals.js";

const scratch = mkdtempSync(join(tmpdir(), "tripost-runs-journals-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function countingModel() {
  const calls: ModelRequest[] = [];
  const model = (request: ModelRequest) => {
    calls.push(request);
    return of<ModelResponse>({ choices: [{ text: `answer ${calls.length}`, finishReason: "stop" }] });
  };
  return { model, calls };
}

const request: ModelRequest = { prompt: "Q", temperature: 0, maxTokens: 4 };

describe("createCollectionJournals()", () => {
  it("a wrapped model goes through the journal of the collection running, and a resumed collection re-issues none of its calls", async () => {
    const journals = createCollectionJournals(createUsageMeter());
    const { model, calls } = countingModel();
    const expert = journals.wrap(model, { stage: "critique", model: "expert" });
    const path = join(scratch, "journal.jsonl");
    const first = await journals.within(path, false, () => lastValueFrom(expert(request)));
    expect(calls).toHaveLength(1);
    expect(readFileSync(path, "utf8").split("\n").filter(Boolean)).toHaveLength(1);
    const again = await journals.within(path, true, () => lastValueFrom(expert(request)));
    expect(calls).toHaveLength(1);
    expect(again).toEqual(first);
    // Outside a collection the model is called (and counted) directly.
    await lastValueFrom(expert(request));
    expect(calls).toHaveLength(2);
    expect(journals.meter.snapshot().served.find((entry) => entry.stage === "critique")?.calls).toBe(3);
  });

  it("within() refuses a second journal while one is open, and closes the journal when the body fails", async () => {
    const journals = createCollectionJournals();
    const path = join(scratch, "nested.jsonl");
    await expect(journals.within(path, false, () => journals.within(join(scratch, "inner.jsonl"), false, () => Promise.resolve(1))))
      .rejects.toThrow(TypeError);
    await expect(journals.within(path, false, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await journals.within(path, false, () => Promise.resolve(2))).toBe(2);
  });
});
