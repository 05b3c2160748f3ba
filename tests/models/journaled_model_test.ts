import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defer, firstValueFrom, lastValueFrom, map, mergeMap, of, throwError, timer, toArray } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JournalEntry } from "../../src/codecs/journal_entry.js";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import { journaledModel } from "../../src/models/journaled_model.js";
import type { Model } from "../../src/models/model.js";
import { requestKey } from "../../src/streams/canonical_json.js";
import { JOURNAL_FILE_NAME, openJournal } from "../../src/streams/journal.js";

let directory = "";
let counter = 0;

function freshPath(): string {
  counter += 1;
  return join(directory, `run-${counter}`, JOURNAL_FILE_NAME);
}

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), "tripost-journaled-"));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function countingModel(): Model & { calls: string[] } {
  const calls: string[] = [];
  const model = (request: ModelRequest) =>
    defer(() => {
      const prompt = "prompt" in request ? request.prompt : "";
      calls.push(prompt);
      return timer(1).pipe(map((): ModelResponse => ({ choices: [{ text: `${prompt}!${calls.length}`, finishReason: "stop" }] })));
    });
  return Object.assign(model, { calls });
}

describe("journaledModel()", () => {
  it("journaledModel() journals completions and serves them on resume without calling the model", async () => {
    const path = freshPath();
    const first = countingModel();
    const journal = openJournal(path, JournalEntry);
    const model = journaledModel(first, journal);
    const prompts = ["a", "b", "a", "c"];
    const answers = await lastValueFrom(
      of(...prompts).pipe(mergeMap((prompt) => model({ prompt, seed: 1 }), 2), map((response) => response.choices[0]?.text), toArray()),
    );
    journal.close();
    expect(first.calls).toHaveLength(4);
    expect(readFileSync(path, "utf8").split("\n").filter((line) => line !== "")).toHaveLength(4);

    const second = countingModel();
    const resumed = openJournal(path, JournalEntry, { resume: true });
    const replayed = journaledModel(second, resumed);
    const again = await lastValueFrom(
      of(...prompts).pipe(mergeMap((prompt) => replayed({ prompt, seed: 1 }), 2), map((response) => response.choices[0]?.text), toArray()),
    );
    resumed.close();
    expect(second.calls).toEqual([]);
    expect([...again].sort()).toEqual([...answers].sort());
  });

  it("journaledModel() calls the model only for calls the journal lacks", async () => {
    const path = freshPath();
    const journal = openJournal(path, JournalEntry);
    journal.append({ key: requestKey({ prompt: "done" }, 0), sample: 0, response: { choices: [{ text: "old", finishReason: "stop" }] } });
    const inner = countingModel();
    const model = journaledModel(inner, journal);
    expect((await firstValueFrom(model({ prompt: "done" }))).choices[0]?.text).toBe("old");
    expect((await firstValueFrom(model({ prompt: "done" }))).choices[0]?.text).toBe("done!1");
    expect((await firstValueFrom(model({ prompt: "done" }, 0))).choices[0]?.text).toBe("old");
    expect(inner.calls).toEqual(["done"]);
    expect(journal.get(requestKey({ prompt: "done" }, 1))?.sample).toBe(1);
    journal.close();
  });

  it("journaledModel() does not journal a failed call, so resume issues it again", async () => {
    const path = freshPath();
    const journal = openJournal(path, JournalEntry);
    const model = journaledModel(() => throwError(() => new Error("connection reset")), journal);
    await expect(firstValueFrom(model({ prompt: "x" }))).rejects.toThrow("connection reset");
    expect(journal.size).toBe(0);
    journal.close();
  });

  it("journaledModel() strips fields the request codec does not define before keying", async () => {
    const journal = openJournal(freshPath(), JournalEntry);
    const inner = countingModel();
    const model = journaledModel(inner, journal);
    const sneaky = { prompt: "k", apiKey: "sk-secret" };
    await firstValueFrom(model(sneaky));
    expect(journal.has(requestKey({ prompt: "k" }, 0))).toBe(true);
    journal.close();
    expect(readFileSync(journal.path, "utf8")).not.toContain("sk-secret");
  });
});
