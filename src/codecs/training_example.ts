import * as t from "io-ts";

/** The kind of a training example (`tripost.md` §6). */
export const ExampleKind = t.keyof({ improvement: null, terminal: null, gold: null, correct: null }, "ExampleKind");
export type ExampleKind = t.TypeOf<typeof ExampleKind>;

/**
 * One training example. Characters from `weightFrom` on carry `weight` in the loss, those before
 * it carry 1 (`tripost.md` §7.1). `weightFrom` equal to the text's length means weight 1 throughout.
 */
export const TrainingExample = t.exact(
  t.type({ id: t.string, kind: ExampleKind, text: t.string, weightFrom: t.number, weight: t.number }),
  "TrainingExample",
);
export type TrainingExample = t.TypeOf<typeof TrainingExample>;
