import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A hostile string: markup that must never reach the report unescaped. */
export const INJECTION = `<script>alert("x")</script><img src=x onerror='y'>&`;

function jsonl(records: readonly unknown[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join("");
}

/** Writes a small finished run directory (2 iterations, tripost and lmsi) and returns its path. */
export function writeRunFixture(): string {
  const directory = mkdtempSync(join(tmpdir(), "tripost-report-"));
  writeFileSync(join(directory, "config.json"), JSON.stringify({ task: "multistep_arithmetic", seed: 7, note: INJECTION }, null, 2));
  const row = (method: string, iteration: number, total: number) => ({
    method,
    iteration,
    seen: total + 0.1,
    unseen: total - 0.1,
    total,
    selfImprovementFrequency: 0.1 * iteration,
    selfImprovementContribution: 0.05 * iteration,
    examples: iteration === 0 ? 0 : 10,
    steps: iteration === 0 ? 0 : 2,
  });
  writeFileSync(
    join(directory, "metrics.json"),
    JSON.stringify({ task: "multistep_arithmetic", seed: 7, rows: [row("M0", 0, 0.3), row("tripost", 1, 0.4), row("lmsi", 1, 0.35), row("tripost", 2, 0.5), row("lmsi", 2, 0.3)] }),
  );
  mkdirSync(join(directory, "iteration-0", "eval"), { recursive: true });
  for (const iteration of [1, 2]) {
    const folder = join(directory, `iteration-${iteration}`);
    mkdirSync(join(folder, "pass-1"), { recursive: true });
    writeFileSync(
      join(folder, "stats.json"),
      JSON.stringify({
        iteration,
        problems: 20,
        passes: 2,
        rejections: { "format-error": 2 },
        rebalance: { improvement: 4 * iteration, terminal: 2, correct: 1, gold: 3, p: 0.4, duplicatesRemoved: 1 },
      }),
    );
    const call = (text: string, model: string | undefined, usage: boolean) => ({
      key: `k-${text}`,
      sample: 0,
      response: { choices: [{ text, finishReason: "stop" }], ...(usage ? { usage: { promptTokens: 10, completionTokens: 5 } } : {}), ...(model === undefined ? {} : { model }) },
    });
    writeFileSync(join(folder, "journal.jsonl"), jsonl([call("a", "student", true), call("b", "student", true), call("c", INJECTION, false)]));
    mkdirSync(join(folder, "lmsi"), { recursive: true });
    writeFileSync(join(folder, "lmsi", "journal.jsonl"), jsonl([call("d", undefined, true)]));
    writeFileSync(join(folder, "rejections.jsonl"), jsonl([{ id: "p1", type: "format-error", reason: "bad", iteration }]));
    writeFileSync(join(folder, "pass-1", "rejections.jsonl"), jsonl([{ id: "p2", type: INJECTION, reason: "bad", iteration }]));
    const question = iteration === 1 ? `(1 + 2) = ${INJECTION}` : "(2 + 2) =";
    writeFileSync(
      join(folder, "trajectories.jsonl"),
      jsonl([
        { id: "plain", task: "multistep_arithmetic", question: "(0 + 0) =", answer: "0", turns: [{ attempt: "A:0", feedback: "ok", by: { attempt: "student", feedback: "expert" } }], text: "t", iteration },
        {
          id: "edited",
          task: "multistep_arithmetic",
          question,
          answer: "3",
          turns: [
            { attempt: "STUDENT-ATTEMPT 1+2=4", feedback: "EXPERT-FEEDBACK step 1 wrong", by: { attempt: "student", feedback: "expert" } },
            { attempt: "EXPERT-UPDATE 1+2=3", feedback: "ok", by: { attempt: "expert", feedback: "expert" } },
          ],
          text: "t",
          iteration,
        },
      ]),
    );
    writeFileSync(
      join(folder, "train.jsonl"),
      jsonl([
        { id: "edited@0#si0", kind: "improvement", text: "BEFORE-SPAN|WEIGHTED-SPAN", weightFrom: 12, weight: 1.5 },
        { id: "other#gold", kind: "gold", text: "x", weightFrom: 0, weight: 1 },
      ]),
    );
  }
  return directory;
}
