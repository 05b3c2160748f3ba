/**
 * The official multistep arithmetic rationale as a structure (`tripost.md` §2.1), with a parser
 * and a renderer: `renderRationale(parseRationale(text))` gives back `text` for every text the
 * parser accepts, and `parseRationale(renderRationale(r))` gives back `r`.
 *
 * The scripted FBK does not use this parser: it reads lines by the official verifier's looser rules
 * (see `critique.ts`). This structure serves the compact format and the scripted IMP.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { ParseError } from "../task.js";
import type { NamedGroup } from "./solve.js";

/** Step (1): `This equation can be written as "<expression>", where A = (…), B = (…) and C = (…).` */
export interface PartitionStep {
  readonly kind: "partition";
  readonly id: string;
  readonly expression: string;
  readonly groups: readonly NamedGroup[];
}

/** `Let's calculate <letter> = <chain joined by " = ">.` */
export interface CalculateStep {
  readonly kind: "calculate";
  readonly id: string;
  readonly letter: string;
  readonly chain: readonly string[];
}

/** `Then, the final equation is <chain joined by " = ">.` (the chain starts with the letter expression). */
export interface FinalEquationStep {
  readonly kind: "final-equation";
  readonly id: string;
  readonly chain: readonly string[];
}

/** A numbered step. */
export type RationaleStep = PartitionStep | CalculateStep | FinalEquationStep;

/** A whole rationale: numbered steps, then `(Final response) So the answer is <answer>.` */
export interface Rationale {
  readonly steps: readonly RationaleStep[];
  readonly answer: string;
}

const NUMBERED = /^\((\d+)\) (.*)$/s;
const PARTITION = /^This equation can be written as "(.*)", where (.*)\.$/s;
const ENTRY = /^([A-Z]) = (.*)$/s;
const CALCULATE = /^Let's calculate ([A-Z]) = (.*)\.$/s;
const FINAL_EQUATION = /^Then, the final equation is (.*)\.$/s;
const FINAL_RESPONSE = /^\(Final response\) So the answer is (.*)\.$/s;

function failure(line: number, message: string): E.Either<ParseError, never> {
  return E.left({ type: "parse-error", line, message });
}

function parseEntries(list: string): NamedGroup[] | undefined {
  const and = list.lastIndexOf(" and ");
  const texts = and < 0 ? [list] : [...list.slice(0, and).split(", "), list.slice(and + 5)];
  const groups: NamedGroup[] = [];
  for (const text of texts) {
    const match = ENTRY.exec(text);
    if (match === null) return undefined;
    groups.push({ letter: match[1] ?? "", group: match[2] ?? "" });
  }
  return groups;
}

function parseStep(line: string, number: number): E.Either<ParseError, RationaleStep> {
  const numbered = NUMBERED.exec(line);
  if (numbered === null) return failure(number, `Cannot parse the step as it has no step id: current value is ${line}`);
  const id = numbered[1] ?? "";
  const body = numbered[2] ?? "";
  const partition = PARTITION.exec(body);
  if (partition !== null) {
    const groups = parseEntries(partition[2] ?? "");
    if (groups === undefined) return failure(number, `Cannot parse the partition step as a group is malformed: current value is ${line}`);
    return E.right({ kind: "partition", id, expression: partition[1] ?? "", groups });
  }
  const calculate = CALCULATE.exec(body);
  if (calculate !== null) {
    return E.right({ kind: "calculate", id, letter: calculate[1] ?? "", chain: (calculate[2] ?? "").split(" = ") });
  }
  const final = FINAL_EQUATION.exec(body);
  if (final !== null) return E.right({ kind: "final-equation", id, chain: (final[1] ?? "").split(" = ") });
  return failure(number, `Cannot parse the step as its kind is unknown: current value is ${line}`);
}

/**
 * The structure of a rationale in the official format, or a `Left` naming the first line that does
 * not fit it. Never throws.
 *
 * @example
 * ```ts
 * const parsed = parseRationale("(1) Then, the final equation is (A + B) = (1 + 2) = 3.\n(Final response) So the answer is 3.");
 * assertEquals(parsed, E.right({ steps: [{ kind: "final-equation", id: "1", chain: ["(A + B)", "(1 + 2)", "3"] }], answer: "3" }));
 * ```
 */
export function parseRationale(text: string): E.Either<ParseError, Rationale> {
  const lines = text.split("\n");
  const last = lines[lines.length - 1] ?? "";
  const final = FINAL_RESPONSE.exec(last);
  if (final === null) {
    return failure(lines.length, `Cannot parse the rationale as the last line is not the final response: current value is ${last}`);
  }
  const steps: RationaleStep[] = [];
  for (let index = 0; index < lines.length - 1; index++) {
    const step = parseStep(lines[index] ?? "", index + 1);
    if (E.isLeft(step)) return step;
    steps.push(step.right);
  }
  return E.right({ steps, answer: final[1] ?? "" });
}

/** The text of one numbered step, id included. */
export function renderStep(step: RationaleStep): string {
  switch (step.kind) {
    case "partition": {
      const count = step.groups.length;
      const entries = step.groups.map(({ letter, group }) => `${letter} = ${group}`);
      const list = count <= 1 ? entries.join("") : `${entries.slice(0, -1).join(", ")} and ${entries[count - 1]}`;
      return `(${step.id}) This equation can be written as "${step.expression}", where ${list}.`;
    }
    case "calculate":
      return `(${step.id}) Let's calculate ${step.letter} = ${step.chain.join(" = ")}.`;
    case "final-equation":
      return `(${step.id}) Then, the final equation is ${step.chain.join(" = ")}.`;
  }
}

/** The official text of a rationale. */
export function renderRationale(rationale: Rationale): string {
  return [...rationale.steps.map(renderStep), `(Final response) So the answer is ${rationale.answer}.`].join("\n");
}
