import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { runCli } from "../_helpers/cli_io.js";

const MSA_QUESTION = "((-2 - -3 * -7) - (-5 * -4 - 2)) =";
const MSA_WRONG = [
  '(1) This equation can be written as "(A - B)", where A = (-2 - -3 * -7) and B = (-5 * -4 - 2).',
  "(2) Let's calculate A = (-2 - -3 * -7) = (-2 - (-3 * -7)) = (-2 - -21) = 19.",
  "(3) Let's calculate B = (-5 * -4 - 2) = ((-5 * -4) - 2) = (20 - 2) = 18.",
  "(4) Then, the final equation is (A - B) = (19 - 18) = 1.",
  "(Final response) So the answer is 1.",
].join("\n");

describe("tripost critique", () => {
  it("writes one critique per attempt, in order, in the official wording", async () => {
    const gold = multistepArithmetic.solve({ id: "g", task: "multistep_arithmetic", question: MSA_QUESTION, answer: "-41" });
    const input = [
      { id: "wrong", question: MSA_QUESTION, attempt: MSA_WRONG },
      { id: "gold", question: MSA_QUESTION, attempt: gold, answer: "-41" },
      { id: "garbage", question: MSA_QUESTION, attempt: "I think it is 7." },
    ].map((line) => JSON.stringify(line)).join("\n");
    const result = await runCli(["critique", "--task", "multistep_arithmetic"], { stdin: input });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const critiques = result.stdout.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(critiques.map((critique) => critique["id"])).toEqual(["wrong", "gold", "garbage"]);
    expect(critiques[0]).toEqual({
      id: "wrong",
      correct: false,
      errorStep: "2",
      errorSegment: "(-2 - (-3 * -7)) = (-2 - -21)",
      feedback:
        'Step (1) is correct. In step (2) the part " (-2 - (-3 * -7)) = (-2 - -21) " is incorrect. This is because there is an calculation error, since (-2 - (-3 * -7)) is not equal to (-2 - -21).',
    });
    expect(critiques[1]).toEqual(expect.objectContaining({ correct: true, errorStep: null }));
    expect(critiques[2]).toEqual(expect.objectContaining({ correct: false, feedback: "[ERROR]" }));
  });

  it("reads compact attempts with --format compact", async () => {
    const problem = wordSorting.generate({ count: 1, seed: 5, difficulty: "easy" })[0]!;
    const compact = wordSorting.compact!;
    const gold = compact.fromTripost(problem, wordSorting.solve(problem));
    expect(gold._tag).toBe("Right");
    if (gold._tag !== "Right") return;
    const input = JSON.stringify({ id: problem.id, question: problem.question, attempt: gold.right });
    const result = await runCli(["critique", "--task", "word_sorting", "--format", "compact"], { stdin: input });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(expect.objectContaining({ id: problem.id, correct: true }));
  });

  it("names file, line and field of a bad line, exits 2 and writes nothing", async () => {
    const directory = mkdtempSync(join(tmpdir(), "tripost-critique-"));
    writeFileSync(
      join(directory, "a.jsonl"),
      `${JSON.stringify({ id: "1", question: MSA_QUESTION, attempt: MSA_WRONG })}\n{"id": "2", "question": 5, "attempt": "x"}\n`,
    );
    const result = await runCli(
      ["critique", "--task", "multistep_arithmetic", "--in", "a.jsonl", "--out", "c.jsonl"],
      { cwd: directory },
    );
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe("tripost: a.jsonl:line 2: field 'question': expected string, got 5");
    expect(readdirSync(directory)).toEqual(["a.jsonl"]);
  });

  it("reports a line that is not JSON", async () => {
    const result = await runCli(["critique", "--task", "word_sorting"], { stdin: "{not json\n" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/<stdin>:line 1: not valid JSON/);
  });
});
