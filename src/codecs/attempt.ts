import * as t from "io-ts";

/**
 * An attempt to critique: the numbered steps and the `(Final response)` line a model wrote after
 * `Answer: Let's think step by step.{info}\n`.
 */
export const Attempt = t.exact(
  t.intersection([
    t.type({ id: t.string, question: t.string, attempt: t.string }),
    t.partial({ answer: t.string }),
  ]),
  "Attempt",
);
export type Attempt = t.TypeOf<typeof Attempt>;
