import * as t from "io-ts";
import { ModelResponse } from "./model_call.js";

/**
 * One completed model call in a run's journal (`DIR/journal.jsonl`): the call's key, its sample
 * index and the response. The request is not stored: the key identifies it.
 */
export const JournalEntry = t.exact(
  t.type({ key: t.string, sample: t.number, response: ModelResponse }),
  "JournalEntry",
);
export type JournalEntry = t.TypeOf<typeof JournalEntry>;
