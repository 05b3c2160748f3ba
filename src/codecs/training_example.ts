import * as t from "io-ts";

/** The kind of a training example (`tripost.md` §6). */
export const ExampleKind = t.keyof({ improvement: null, terminal: null, gold: null, correct: null }, "ExampleKind");
export type ExampleKind = t.TypeOf<typeof ExampleKind>;

/**
 * One training example. Characters from `weightFrom` on carry `weight` in the loss, those before
 * it carry `weightBefore`, 1 when absent (`tripost.md` §7.1). `weightFrom` equal to the text's
 * length means `weightBefore` throughout. `weightBefore: 0` is the official
 * `mask_before_att_start_text` option: no loss on the question and the attempt before the feedback.
 */
export const TrainingExample = t.exact(
  t.intersection([
    t.type({ id: t.string, kind: ExampleKind, text: t.string, weightFrom: t.number, weight: t.number }),
    t.partial({ weightBefore: t.number }),
  ]),
  "TrainingExample",
);
export type TrainingExample = t.TypeOf<typeof TrainingExample>;
