import { describe, expect, it } from "vitest";
import { resolveExpert } from "../../src/cli/_experts.js";
import { UsageError } from "../../src/errors.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { silentIo } from "../_helpers/cli_io.js";

const io = silentIo({ EXPERT_KEY: "secret" });

describe("resolveExpert()", () => {
  it("resolveExpert() still resolves the scripted expert with two arguments", async () => {
    const expert = resolveExpert(multistepArithmetic, "scripted");
    expect(expert.label).toBe("scripted");
    await expert.close();
  });

  it("resolveExpert() builds an LLM expert for an http(s)://…/v1 spec with settings", async () => {
    const expert = resolveExpert(wordSorting, "http://127.0.0.1:9/v1", { io, modelName: "big", apiKeyEnv: "EXPERT_KEY", endpoint: "chat" });
    expect(expert.label).toBe("http://127.0.0.1:9/v1");
    expect(typeof expert.critique).toBe("function");
    await expert.close();
  });

  it("resolveExpert() rejects an HTTP spec without settings, an unknown spec, and a task without examples", () => {
    expect(() => resolveExpert(wordSorting, "http://127.0.0.1:9/v1")).toThrow(UsageError);
    expect(() => resolveExpert(wordSorting, "gpt4")).toThrow(UsageError);
    // Every task has examples now: a task name outside the four stands for one without.
    expect(() => resolveExpert({ ...wordSorting, name: "chess" as never }, "http://127.0.0.1:9/v1", { io })).toThrow(UsageError);
    expect(() => resolveExpert(wordSorting, "http://127.0.0.1:9/v1", { io, apiKeyEnv: "MISSING" })).toThrow(UsageError);
  });
});
