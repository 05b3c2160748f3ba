import * as t from "io-ts";
import { TaskName } from "./problem.js";

/** Who wrote a piece of a trajectory. */
export const Author = t.keyof({ student: null, expert: null }, "Author");
export type Author = t.TypeOf<typeof Author>;

/** One attempt of a trajectory and the feedback on it. */
export const Turn = t.exact(
  t.type({
    attempt: t.string,
    feedback: t.string,
    by: t.exact(t.type({ attempt: Author, feedback: Author })),
  }),
  "Turn",
);
export type Turn = t.TypeOf<typeof Turn>;

/** An edited trajectory `x, ŷ0, f0, …, ŷn, fn` and its rendered training text. */
export const Trajectory = t.exact(
  t.type({
    id: t.string,
    task: TaskName,
    question: t.string,
    answer: t.string,
    turns: t.array(Turn),
    text: t.string,
    iteration: t.number,
  }),
  "Trajectory",
);
export type Trajectory = t.TypeOf<typeof Trajectory>;
