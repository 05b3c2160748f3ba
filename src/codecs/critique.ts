import * as t from "io-ts";

/**
 * The expert's verdict on one attempt: the first wrong step (as written: `"2"`, `"3.2"`,
 * `"Final response"`), the wrong segment, and the one-line feedback in the official wording.
 */
export const Critique = t.exact(
  t.type({
    id: t.string,
    correct: t.boolean,
    errorStep: t.union([t.string, t.null]),
    errorSegment: t.union([t.string, t.null]),
    feedback: t.string,
  }),
  "Critique",
);
export type Critique = t.TypeOf<typeof Critique>;

/** A verdict without the id of the attempt it judges (what an expert computes). */
export type Verdict = Omit<Critique, "id">;
