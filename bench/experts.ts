/**
 * How many attempts per second the scripted experts (FBK) judge, per task and difficulty, on one
 * core. Attempts are a realistic mix: half gold rationales, half with one step changed.
 *
 * Run: `npm run bench:experts`.
 */
import * as E from "fp-ts/lib/Either.js";
import { availableTasks, getTask } from "../src/tasks/registry.js";
import type { Task } from "../src/tasks/task.js";
import type { Problem } from "../src/codecs/problem.js";

interface Row {
  readonly task: string;
  readonly difficulty: string;
  readonly attempts: number;
  readonly perSecond: number;
  readonly baselinePerSecond: number;
  readonly correctShare: number;
}

/** A wrong variant of a gold rationale: the last number of a middle line changed. */
function corrupt(rationale: string, index: number): string {
  const lines = rationale.split("\n");
  const target = 1 + (index % Math.max(1, lines.length - 1));
  const line = lines[target] ?? "";
  lines[target] = line.replace(/(\d+)(?!.*\d)/, (digits) => String(Number(digits) + 1));
  return lines.join("\n");
}

function measure(task: Task, difficulty: string): Row {
  const critique = task.critique;
  if (critique === undefined) throw new Error(`task ${task.name} has no scripted expert`);
  const problems: Problem[] = task.generate({ count: 400, seed: 11, difficulty, split: "all" });
  const attempts = problems.map((problem, index) => {
    const gold = task.solve(problem);
    return { problem, attempt: index % 2 === 0 ? gold : corrupt(gold, index) };
  });
  // Baseline in the same run: the cost of only splitting the attempt into lines, the floor any judge pays.
  let lines = 0;
  const baselineStart = process.hrtime.bigint();
  for (let round = 0; round < 200; round++) {
    for (const { attempt } of attempts) lines += attempt.split("\n").length;
  }
  const baselineSeconds = Number(process.hrtime.bigint() - baselineStart) / 1e9;
  for (const { problem, attempt } of attempts.slice(0, 100)) critique(problem, attempt);
  let judged = 0;
  let correct = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < 2) {
    for (const { problem, attempt } of attempts) {
      const verdict = critique(problem, attempt);
      if (E.isRight(verdict) && verdict.right.correct) correct++;
      judged++;
    }
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  }
  if (lines < 0) console.log(lines);
  return {
    task: task.name,
    difficulty,
    attempts: judged,
    perSecond: judged / elapsed,
    baselinePerSecond: (200 * attempts.length) / baselineSeconds,
    correctShare: correct / judged,
  };
}

const rows: Row[] = [];
for (const name of availableTasks()) {
  const task = getTask(name);
  if (task?.critique === undefined) continue;
  for (const difficulty of task.difficulties) rows.push(measure(task, difficulty));
}
console.log("Scripted FBK throughput, one core (half gold, half with one step changed)\n");
console.log(
  `${"task".padEnd(22)}${"difficulty".padEnd(12)}${"attempts/s".padStart(12)}${"split-only/s".padStart(14)}${"judged ok".padStart(11)}`,
);
for (const row of rows) {
  console.log(
    `${row.task.padEnd(22)}${row.difficulty.padEnd(12)}${Math.round(row.perSecond).toLocaleString("en-US").padStart(12)}${
      Math.round(row.baselinePerSecond).toLocaleString("en-US").padStart(14)
    }${`${(100 * row.correctShare).toFixed(0)}%`.padStart(11)}`,
  );
}
