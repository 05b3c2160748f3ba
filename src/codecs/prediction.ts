import * as t from "io-ts";
import { Split } from "./problem.js";

/** How a self-improvement run ended (`tripost.md` §9), or `error` when the model call failed. */
export const PredictionEnd = t.keyof(
  { correct: null, "no-progress": null, repeating: null, limit: null, "invalid-feedback": null, error: null },
  "PredictionEnd",
);
export type PredictionEnd = t.TypeOf<typeof PredictionEnd>;

/** One turn as the student wrote it: an attempt, and the whole feedback line after it when it wrote one. */
export const PredictionTurn = t.exact(
  t.intersection([t.type({ attempt: t.string }), t.partial({ feedback: t.string })]),
  "PredictionTurn",
);
export type PredictionTurn = t.TypeOf<typeof PredictionTurn>;

/**
 * One line of `predictions.jsonl`: what the student answered to one test problem under
 * self-improvement inference at greedy decoding, and how it got there.
 *
 * - `index`: the problem's position in the input (0-based), from which the order is restored;
 * - `answer`: the gold answer; `predicted`: the answer of the final attempt (converted to the
 *   official format), `null` when it gives none or does not convert;
 * - `selfImproved`: the student wrote an error feedback and then an updated attempt;
 * - `firstAttemptCorrect`: the first attempt's answer was right;
 * - `turns`: every attempt and feedback line as the student wrote them (in its format);
 * - `text`: the whole output, prompt included.
 */
export const Prediction = t.exact(
  t.intersection([
    t.type({
      id: t.string,
      index: t.number,
      answer: t.string,
      predicted: t.union([t.string, t.null]),
      correct: t.boolean,
      selfImproved: t.boolean,
      firstAttemptCorrect: t.boolean,
      end: PredictionEnd,
      turns: t.array(PredictionTurn),
      text: t.string,
    }),
    t.partial({
      split: Split,
      bucket: t.string,
      /** Model generations used. */
      generations: t.number,
      /** The model error, when `end` is `error`. */
      error: t.string,
    }),
  ]),
  "Prediction",
);
export type Prediction = t.TypeOf<typeof Prediction>;
