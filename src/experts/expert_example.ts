/**
 * The shape of one few-shot example of the LLM expert: a question, a wrong attempt, where and why
 * it goes wrong (the three lines of the tabular FBK prompt, `tripost.md` §5.2) and the corrected
 * attempt the IMP prompt shows after the feedback.
 *
 * @module
 */

/** One few-shot example: a wrong attempt, its earliest error, and the corrected attempt. */
export interface ExpertExample {
  /** The question as it stands after `Q: ` (may span lines, e.g. word sorting's `List:` line). */
  readonly question: string;
  /** The wrong attempt: numbered steps and the `(Final response)` line. */
  readonly attempt: string;
  /** The earliest wrong step's id as written (`"2"`, `"3.2"`, `"Final response"`). */
  readonly errorStep: string;
  /** The wrong part of that step, without quotes. */
  readonly errorSegment: string;
  /** Why it is wrong: one sentence, starting with a capital letter as the LLM writes it. */
  readonly errorReason: string;
  /** The corrected attempt: the steps before the error step unchanged, then a correct remainder. */
  readonly updated: string;
}
