/**
 * `student.updates: "continuation"`: the compact student writes each update from the error step
 * on; parsing rebuilds the full attempt from the previous attempt's lines before that step.
 */
import * as E from "fp-ts/lib/Either.js";
import fc from "fast-check";
import { firstValueFrom, from, type Observable, of, throwError, toArray } from "rxjs";
import { describe, expect, it } from "vitest";
import { checkConfig, parseConfigText } from "../../src/cli/_config.js";
import { decodeConfig, DEFAULT_CONFIG, resolveConfig, updateStyleOf } from "../../src/codecs/config.js";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import type { Problem } from "../../src/codecs/problem.js";
import { InputError } from "../../src/errors.js";
import type { Model } from "../../src/models/model.js";
import { edit, type EditedTrajectory } from "../../src/stages/edit.js";
import { evaluate } from "../../src/stages/evaluate.js";
import { scriptedExpert } from "../../src/stages/expert.js";
import { selfImprove } from "../../src/stages/self_improve.js";
import { splitTrajectory } from "../../src/stages/split.js";
import { multistepArithmetic } from "../../src/tasks/multistep_arithmetic/mod.js";
import type { Task } from "../../src/tasks/task.js";
import {
  compactFormat,
  formatFor,
  fullUpdate,
  type RenderTurn,
  type TrajectoryFormat,
  weightAnchor,
} from "../../src/tasks/trajectory_format.js";
import { questionOf } from "../../src/tasks/word_sorting/generate.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";

const msa = multistepArithmetic;
const msaWhole = compactFormat(msa)!;
const msaCont = compactFormat(msa, { updates: "continuation" })!;
const msaProblem: Problem = { id: "m1", task: "multistep_arithmetic", question: "((-5 + 9) * (3 - -2)) =", answer: "20" };
const MSA_WRONG = "-5+9=4\n3--2=4\n4*4=16\nA:16";
const MSA_RIGHT = "-5+9=4\n3--2=5\n4*5=20\nA:20";
const MSA_FEEDBACK = "F:3:3--2=4";
const MSA_CONTINUATION = "3--2=5\n4*5=20\nA:20";

const ws = wordSorting;
const wsWhole = compactFormat(ws)!;
const wsCont = compactFormat(ws, { updates: "continuation" })!;
const wsProblem: Problem = {
  id: "w1",
  task: "word_sorting",
  question: questionOf("cosh inferno every foyer coterie mcfadden halifax".split(" ")),
  answer: "cosh coterie every foyer halifax inferno mcfadden",
};
const WS_HEAD = [
  "1 L1:cosh=c3 inferno=i9 every=e5 foyer=f6 coterie=c3 mcfadden=m13 halifax=h8",
  "2 W:3[cosh?coterie]<5every<6foyer<8halifax<9inferno<13mcfadden",
  "3 S2[cosh?coterie]:cosh=o15 coterie=o15",
  "3.1 W:15[cosh?coterie]",
];
const WS_WRONG = [
  ...WS_HEAD,
  "3.2 S3[cosh?coterie]:cosh=s19 coterie=c3",
  "3.3 W:3coterie<19cosh",
  "3.4 H:coterie<cosh",
  "4 H:coterie<cosh<every<foyer<halifax<inferno<mcfadden",
  "A:coterie cosh every foyer halifax inferno mcfadden",
].join("\n");

/** The scripted expert's feedback line on a compact attempt and its IMP update, in compact form. */
function scriptedEdit(task: Task, format: TrajectoryFormat, problem: Problem, attempt: string): { feedbackLine: string; update: string } | undefined {
  const official = format.toOfficial(problem, attempt);
  if (E.isLeft(official)) return undefined;
  const verdict = task.critique!(problem, official.right);
  if (E.isLeft(verdict) || verdict.right.correct) return undefined;
  const improved = task.improve!(problem, official.right, verdict.right);
  if (E.isLeft(improved)) return undefined;
  const update = format.fromOfficial(problem, improved.right);
  if (E.isLeft(update)) return undefined;
  return { feedbackLine: format.feedbackLine(verdict.right), update: update.right };
}

function turnsOf(attempt: string, edited: { feedbackLine: string; update: string }): RenderTurn[] {
  return [{ attempt, feedbackLine: edited.feedbackLine }, { attempt: edited.update, feedbackLine: "F:ok" }];
}

function roundTrip(format: TrajectoryFormat, problem: Problem, turns: readonly RenderTurn[]): unknown {
  const text = format.render(problem, turns);
  const parsed = format.parseRollout(problem, text.slice(format.prompt(problem).length));
  return E.isRight(parsed) ? parsed.right : parsed.left;
}

describe("compactFormat(task, { updates: \"continuation\" })", () => {
  it("writes the multistep arithmetic update from the error step on and reads it back whole", () => {
    const edited = scriptedEdit(msa, msaCont, msaProblem, MSA_WRONG);
    expect(edited).toEqual({ feedbackLine: MSA_FEEDBACK, update: MSA_RIGHT });
    const turns = turnsOf(MSA_WRONG, edited!);
    const P = msaCont.prompt(msaProblem);
    expect(msaCont.render(msaProblem, turns)).toBe(`${P}${MSA_WRONG}\n${MSA_FEEDBACK}\n${MSA_CONTINUATION}\nF:ok`);
    expect(msaWhole.render(msaProblem, turns)).toBe(`${P}${MSA_WRONG}\n${MSA_FEEDBACK}\n${MSA_RIGHT}\nF:ok`);
    expect(roundTrip(msaCont, msaProblem, turns)).toEqual(turns);
    expect(roundTrip(msaWhole, msaProblem, turns)).toEqual(turns);
    expect(msaCont.updatePrefix(MSA_WRONG, MSA_FEEDBACK)).toEqual(["-5+9=4"]);
    expect(msaWhole.updatePrefix(MSA_WRONG, MSA_FEEDBACK)).toEqual([]);
  });

  it("writes the word sorting update from the error step's id on and reads it back whole", () => {
    const edited = scriptedEdit(ws, wsCont, wsProblem, WS_WRONG);
    expect(edited?.feedbackLine).toBe("F:3.2:coterie=c3");
    expect(edited?.update.split("\n").slice(0, 4)).toEqual(WS_HEAD);
    const turns = turnsOf(WS_WRONG, edited!);
    const text = wsCont.render(wsProblem, turns);
    expect(text).toBe([
      `Q:cosh inferno every foyer coterie mcfadden halifax`,
      WS_WRONG,
      "F:3.2:coterie=c3",
      "3.2 S3[cosh?coterie]:cosh=s19 coterie=t20",
      "3.3 W:19cosh<20coterie",
      "3.4 H:cosh<coterie",
      "4 H:cosh<coterie<every<foyer<halifax<inferno<mcfadden",
      "A:cosh coterie every foyer halifax inferno mcfadden",
      "F:ok",
    ].join("\n"));
    expect(roundTrip(wsCont, wsProblem, turns)).toEqual(turns);
    expect(roundTrip(wsWhole, wsProblem, turns)).toEqual(turns);
  });

  it("takes all lines but the answer over after an error in the final response", () => {
    expect(msaCont.updatePrefix(MSA_WRONG, "F:A:A:16")).toEqual(["-5+9=4", "3--2=4", "4*4=16"]);
    const parsed = msaCont.parseRollout(msaProblem, `${MSA_WRONG}\nF:A:A:16\nA:20`);
    expect(parsed).toEqual(E.right([
      { attempt: MSA_WRONG, feedbackLine: "F:A:A:16" },
      { attempt: "-5+9=4\n3--2=4\n4*4=16\nA:20" },
    ]));
  });

  it("reads the update whole after a feedback line that names no step the attempt has", () => {
    for (const line of ["F:ok", "F:", "F:x", "F:9:1=2", "Fok"]) {
      expect(msaCont.updatePrefix(MSA_WRONG, line), line).toEqual([]);
    }
    expect(wsCont.updatePrefix(WS_WRONG, "F:3.9:x")).toEqual([]);
    // Only the step is read: a segment the format cannot parse still names step (3.2).
    expect(wsCont.updatePrefix(WS_WRONG, "F:3.2:=?")).toEqual(WS_HEAD);
    // Step (1), the implicit partition, has no line before it.
    expect(msaCont.updatePrefix(MSA_WRONG, "F:1:x")).toEqual([]);
    expect(msaCont.parseRollout(msaProblem, `${MSA_WRONG}\nF:9:1=2\n${MSA_RIGHT}`)).toEqual(E.right([
      { attempt: MSA_WRONG, feedbackLine: "F:9:1=2" },
      { attempt: MSA_RIGHT },
    ]));
  });

  it("writes an update that changes its prefix whole (it does not read back the same)", () => {
    const changed = "-5+9=5\n3--2=5\n5*5=25\nA:25";
    const turns = [{ attempt: MSA_WRONG, feedbackLine: MSA_FEEDBACK }, { attempt: changed, feedbackLine: "F:ok" }];
    expect(msaCont.render(msaProblem, turns)).toBe(msaWhole.render(msaProblem, turns));
  });

  it("formatFor() threads the option and refuses continuations in the official format", () => {
    expect(E.map((format: TrajectoryFormat) => format.updates)(formatFor(msa, "compact", { updates: "continuation" }))).toEqual(E.right("continuation"));
    expect(E.map((format: TrajectoryFormat) => format.updates)(formatFor(msa, "compact"))).toEqual(E.right("whole"));
    expect(E.isLeft(formatFor(msa, "tripost", { updates: "continuation" }))).toBe(true);
    expect(E.map((format: TrajectoryFormat) => format.updates)(formatFor(msa, "tripost", { updates: "whole" }))).toEqual(E.right("whole"));
  });

  /** A compact attempt with one value changed: a step line's last number, or the answer. */
  function corrupt(attempt: string, pick: number): string {
    const lines = attempt.split("\n");
    const at = pick % lines.length;
    lines[at] = (lines[at] as string).replace(/(-?\d+)(?!.*\d)/, (value) => String(Number(value) + 1 + (pick % 3)));
    return lines.join("\n");
  }

  for (const [name, task, format, whole, difficulty] of [
    ["multistep arithmetic", msa, msaCont, msaWhole, "easy"],
    ["word sorting", ws, wsCont, wsWhole, "official"],
  ] as const) {
    it(`render and parse round-trip ${name} trajectories with a scripted error and IMP update`, () => {
      let checked = 0;
      fc.assert(
        fc.property(fc.nat(10_000), fc.nat(1_000), (seed, pick) => {
          const [problem] = task.generate({ count: 1, seed, difficulty, split: "seen" });
          if (problem === undefined) return;
          const gold = format.fromOfficial(problem, task.solve(problem));
          if (E.isLeft(gold)) return;
          const wrong = corrupt(gold.right, pick);
          const edited = scriptedEdit(task, format, problem, wrong);
          if (edited === undefined) return;
          checked++;
          const turns = turnsOf(wrong, edited);
          expect(roundTrip(format, problem, turns)).toEqual(turns);
          expect(roundTrip(whole, problem, turns)).toEqual(turns);
          // The continuation is the update without the lines before the error step, and the
          // gold attempt as a first turn reads back as it is.
          const text = format.render(problem, turns);
          const written = text.slice(text.indexOf(`\n${edited.feedbackLine}\n`) + edited.feedbackLine.length + 2, text.lastIndexOf("\nF:"));
          const prefix = format.updatePrefix(wrong, edited.feedbackLine);
          expect(fullUpdate(format, wrong, edited.feedbackLine, written)).toBe(edited.update);
          expect(edited.update.split("\n").slice(0, prefix.length)).toEqual(prefix);
          expect(written.split("\n")).toHaveLength(edited.update.split("\n").length - prefix.length);
          expect(weightAnchor(format, text)).toBe(weightAnchor(whole, whole.render(problem, turns)));
        }),
        { numRuns: 60 },
      );
      expect(checked).toBeGreaterThan(10);
    });
  }
});

describe("split() with continuation updates", () => {
  it("writes the x_SI example's update from the error step on", async () => {
    const [result] = await firstValueFrom(
      from([{ problem: msaProblem, iteration: 0, continuation: MSA_WRONG }]).pipe(
        edit(scriptedExpert(msa), { task: msa, format: msaCont }),
        toArray(),
      ),
    );
    expect(result !== undefined && E.isRight(result)).toBe(true);
    const trajectory = (result as E.Right<EditedTrajectory>).right;
    expect(trajectory.outcome).toBe("edited");
    expect(trajectory.turns.map((turn) => turn.written)).toEqual([
      { attempt: MSA_WRONG, feedbackLine: MSA_FEEDBACK },
      { attempt: MSA_RIGHT, feedbackLine: "F:ok" },
    ]);
    const examples = splitTrajectory(trajectory, { format: msaCont });
    const expected = `((-5+9)*(3--2))=\n-5+9=4\n3--2=4\n4*4=16\nA:16\nF:3:3--2=4\n3--2=5\n4*5=20\nA:20`;
    expect(examples).toEqual([
      { id: "m1#si0", kind: "improvement", text: expected, weightFrom: expected.indexOf("\nF:"), weight: 1.5 },
      {
        id: "m1#t",
        kind: "terminal",
        text: `((-5+9)*(3--2))=\n${MSA_RIGHT}\nF:ok`,
        weightFrom: `((-5+9)*(3--2))=\n${MSA_RIGHT}`.length,
        weight: 1.5,
      },
    ]);
    const wholeExamples = splitTrajectory({ ...trajectory }, { format: msaWhole });
    expect(wholeExamples[0]?.text).toBe(`((-5+9)*(3--2))=\n${MSA_WRONG}\n${MSA_FEEDBACK}\n${MSA_RIGHT}`);
  });
});

type Completion = { readonly text: string; readonly finishReason?: string };

function scriptedModel(table: Readonly<Record<string, Completion>>): Model & { readonly requests: string[] } {
  const requests: string[] = [];
  function model(request: ModelRequest): Observable<ModelResponse> {
    const prompt = "prompt" in request ? request.prompt : "";
    requests.push(prompt);
    const completion = table[prompt];
    if (completion === undefined) return throwError(() => new Error(`unscripted prompt ${JSON.stringify(prompt)}`));
    return of({ choices: [{ text: completion.text, finishReason: completion.finishReason ?? "stop" }] });
  }
  return Object.assign(model, { requests });
}

describe("the test-time loop with continuation updates", () => {
  const P = msaCont.prompt(msaProblem);

  it("rebuilds the update the student writes after its feedback and critiques it in full", async () => {
    const student = scriptedModel({
      [P]: { text: MSA_WRONG },
      [`${P}${MSA_WRONG}\nF:`]: { text: `3:3--2=4\n${MSA_CONTINUATION}` },
      [`${P}${MSA_RIGHT}\nF:`]: { text: "ok" },
    });
    const result = await firstValueFrom(selfImprove(student, msaCont, msaProblem));
    expect(student.requests).toEqual([P, `${P}${MSA_WRONG}\nF:`, `${P}${MSA_RIGHT}\nF:`]);
    expect(result).toEqual({
      turns: [{ attempt: MSA_WRONG, feedbackLine: MSA_FEEDBACK }, { attempt: MSA_RIGHT, feedbackLine: "F:ok" }],
      finalAttempt: MSA_RIGHT,
      end: "correct",
      selfImproved: true,
      generations: 3,
    });
  });

  it("evaluate() scores the rebuilt update and records the text as written", async () => {
    const student = scriptedModel({ [P]: { text: `${MSA_WRONG}\n${MSA_FEEDBACK}\n${MSA_CONTINUATION}\nF:ok` } });
    const [prediction] = await firstValueFrom(from([msaProblem]).pipe(evaluate(student, { task: msa, format: msaCont }), toArray()));
    expect(prediction).toMatchObject({
      predicted: "20",
      correct: true,
      firstAttemptCorrect: false,
      selfImproved: true,
      end: "correct",
      turns: [{ attempt: MSA_WRONG, feedback: MSA_FEEDBACK }, { attempt: MSA_RIGHT, feedback: "F:ok" }],
      text: `${P}${MSA_WRONG}\n${MSA_FEEDBACK}\n${MSA_CONTINUATION}\nF:ok`,
    });
  });

  it("the whole format reads the same output as written: the update is the lines after the feedback line", async () => {
    const text = `${MSA_WRONG}\n${MSA_FEEDBACK}\n${MSA_CONTINUATION}\nF:ok`;
    const [whole] = await firstValueFrom(
      from([msaProblem]).pipe(evaluate(scriptedModel({ [P]: { text } }), { task: msa, format: msaWhole }), toArray()),
    );
    expect(whole?.turns[1]).toEqual({ attempt: MSA_CONTINUATION, feedback: "F:ok" });
    expect(whole?.text).toBe(`${P}${text}`);
  });
});

describe("student.updates in the config", () => {
  it("defaults to whole and leaves the resolved defaults as they were", () => {
    expect(resolveConfig({})).toEqual(DEFAULT_CONFIG);
    expect(updateStyleOf(DEFAULT_CONFIG.student)).toBe("whole");
    const config = resolveConfig({ student: { spec: "embedded:x", updates: "continuation" } });
    expect(config.student).toEqual({ spec: "embedded:x", format: "compact", updates: "continuation" });
    expect(checkConfig({ student: { spec: "embedded:x", updates: "continuation" } }, config)).toEqual([]);
  });

  it("rejects an unknown style and continuations in the official format, naming the file, line and path", () => {
    const unknown = decodeConfig({ student: { spec: "embedded:x", updates: "partial" } });
    expect(E.isLeft(unknown) && unknown.left[0]?.path).toBe("student.updates");
    const text = `{\n  "student": {\n    "spec": "embedded:x",\n    "format": "tripost",\n    "updates": "continuation"\n  }\n}\n`;
    let error: unknown;
    try {
      parseConfigText("run.json", text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toEqual({ file: "run.json", line: 5, field: "student.updates" });
    expect((error as InputError).message).toMatch(/^run\.json:line 5: .*Cannot write updates as continuations in the tripost format/);
  });
});
