import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firstValueFrom, forkJoin } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveCheckpoint } from "../../../src/models/student/checkpoint.js";
import { disposeParams } from "../../../src/models/student/model.js";
import { createSampler, type LoadedStudent } from "../../../src/models/student/sampler.js";
import { createStudentModel, promptOf } from "../../../src/models/student/student_model.js";
import { idsOf, loadedFrom, smallCheckpoint } from "./_students.js";

let student: LoadedStudent;

beforeAll(async () => {
  student = await loadedFrom(smallCheckpoint(21));
});

afterAll(() => {
  disposeParams(student.params);
});

function prompts(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `((${index % 10} + ${index}) * ${"7".repeat(1 + (index % 5))}) =\n`);
}

describe("createStudentModel()", () => {
  it("createStudentModel() serves 32 concurrent requests in few batches, each with its own greedy answer", async () => {
    const model = createStudentModel(student, { maxBatch: 64, maxWaitMs: 20 });
    const texts = prompts(32);
    const responses = await firstValueFrom(
      forkJoin(texts.map((prompt) => model({ prompt, temperature: 0, maxTokens: 12 }))),
    );
    expect(model.stats().batches).toBeLessThanOrEqual(2);
    expect(model.stats().items).toBe(32);
    const sampler = createSampler(student);
    for (const [index, prompt] of texts.entries()) {
      const [alone] = await sampler.sample([{ promptIds: idsOf(student, prompt), temperature: 0, maxTokens: 12 }]);
      expect(responses[index]).toEqual({
        choices: [{ text: alone?.text, finishReason: "length" }],
        usage: { promptTokens: prompt.length + 1, completionTokens: 12 },
        model: "student",
      });
    }
    sampler.dispose();
    await model.close();
  });

  it("createStudentModel() continues the concatenated message contents", async () => {
    const model = createStudentModel(student, { modelName: "tiny" });
    const messages = [
      { role: "system" as const, content: "Solve.\n" },
      { role: "user" as const, content: "((1 + 2) * 3) =\n" },
    ];
    expect(promptOf({ messages })).toBe("Solve.\n((1 + 2) * 3) =\n");
    const chat = await firstValueFrom(model({ messages, temperature: 0, maxTokens: 9 }));
    const plain = await firstValueFrom(model({ prompt: "Solve.\n((1 + 2) * 3) =\n", temperature: 0, maxTokens: 9 }));
    expect(chat).toEqual(plain);
    expect(chat.model).toBe("tiny");
    await model.close();
  });

  it("createStudentModel() returns `n` seeded samples and sums their completion tokens", async () => {
    const model = createStudentModel(student);
    const request = { prompt: "1+2=", temperature: 1, n: 3, maxTokens: 10, seed: 4 };
    const first = await firstValueFrom(model(request));
    const again = await firstValueFrom(model(request));
    expect(again).toEqual(first);
    expect(first.choices).toHaveLength(3);
    expect(new Set(first.choices.map((choice) => choice.text)).size).toBeGreaterThan(1);
    expect(first.usage).toEqual({ promptTokens: 5, completionTokens: 30 });
    const unseeded = await firstValueFrom(model({ prompt: "1+2=", temperature: 1, maxTokens: 10 }));
    const unseededAgain = await firstValueFrom(model({ prompt: "1+2=", temperature: 1, maxTokens: 10 }));
    expect(unseededAgain).toEqual(unseeded);
    await model.close();
  });

  it("createStudentModel() applies stop strings", async () => {
    const model = createStudentModel(student);
    const plain = await firstValueFrom(model({ prompt: "abc", temperature: 0, maxTokens: 20 }));
    const text = plain.choices[0]?.text ?? "";
    const stop = text.slice(5, 7);
    const cut = await firstValueFrom(model({ prompt: "abc", temperature: 0, maxTokens: 20, stop: [stop] }));
    expect(cut.choices).toEqual([{ text: text.slice(0, text.indexOf(stop)), finishReason: "stop" }]);
    await model.close();
  });

  it("createStudentModel() drops a request unsubscribed before its batch runs", async () => {
    const model = createStudentModel(student, { maxWaitMs: 30 });
    const subscription = model({ prompt: "a", temperature: 0, maxTokens: 4 }).subscribe();
    const kept = firstValueFrom(model({ prompt: "b", temperature: 0, maxTokens: 4 }));
    await new Promise((resolve) => setTimeout(resolve, 5));
    subscription.unsubscribe();
    await kept;
    expect(model.stats()).toMatchObject({ batches: 1, items: 1 });
    await model.close();
  });

  it("createStudentModel() fails a request whose prompt has an unknown character", async () => {
    const model = createStudentModel(student);
    await expect(firstValueFrom(model({ prompt: "naïve" }))).rejects.toThrow(/unknown|does not know/);
    await model.close();
  });

  it("createStudentModel() loads a checkpoint directory on first use", async () => {
    const directory = await mkdtemp(join(tmpdir(), "student-model-"));
    try {
      const checkpoint = smallCheckpoint(21);
      await saveCheckpoint(join(directory, "ckpt"), checkpoint);
      const model = createStudentModel(join(directory, "ckpt"));
      const fromDisk = await firstValueFrom(model({ prompt: "xyz", temperature: 0, maxTokens: 8 }));
      const inMemory = createStudentModel(student);
      expect(await firstValueFrom(inMemory({ prompt: "xyz", temperature: 0, maxTokens: 8 }))).toEqual(fromDisk);
      await model.close();
      await inMemory.close();
      const missing = createStudentModel(join(directory, "missing"));
      await expect(missing.ready()).rejects.toThrow(/Cannot load the student/);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});
