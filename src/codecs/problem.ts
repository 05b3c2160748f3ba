import * as t from "io-ts";

/** The four TriPosT tasks. */
export const TaskName = t.keyof({
  multistep_arithmetic: null,
  word_sorting: null,
  date_understanding: null,
  logical_deduction: null,
}, "TaskName");
export type TaskName = t.TypeOf<typeof TaskName>;

/** Whether a problem is of the kind the student trains on (`seen`) or only tested on (`unseen`). */
export const Split = t.keyof({ seen: null, unseen: null }, "Split");
export type Split = t.TypeOf<typeof Split>;

/**
 * A question with its gold answer. `meta` carries task-specific facts (the bucket, the gold
 * rationale, the options of a multiple-choice question).
 */
export const Problem = t.exact(
  t.intersection([
    t.type({ id: t.string, task: TaskName, question: t.string, answer: t.string }),
    t.partial({ split: Split, meta: t.UnknownRecord }),
  ]),
  "Problem",
);
export type Problem = t.TypeOf<typeof Problem>;
