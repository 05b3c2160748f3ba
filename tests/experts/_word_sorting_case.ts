/**
 * One word sorting case the HTTP expert tests share: a three-word list, its gold rationale, and
 * an attempt whose final response swaps the last two words (FBK blames `Final response`).
 */
import type { Problem } from "../../src/codecs/problem.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";

export const problem: Problem = {
  id: "w3",
  task: "word_sorting",
  question: "Sort the following words alphabetically:\nList: otter oak nectar",
  answer: "nectar oak otter",
};
export const GOLD = wordSorting.solve(problem);
export const WRONG = GOLD.replace("So the answer is: nectar oak otter.", "So the answer is: nectar otter oak.");
