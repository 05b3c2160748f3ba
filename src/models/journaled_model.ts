/**
 * A Model that remembers completed calls in a run's journal, so a resumed run re-issues none of
 * them.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { defer, type Observable, of, tap, throwError } from "rxjs";
import { decodeWith, describeFailure } from "../codecs/decode.js";
import type { JournalEntry } from "../codecs/journal_entry.js";
import { ModelRequest, type ModelResponse } from "../codecs/model_call.js";
import { createRequestKeyer } from "../streams/canonical_json.js";
import type { Journal } from "../streams/journal.js";
import type { SampledModel } from "./cassette.js";
import type { Model } from "./model.js";

const decodeRequest = decodeWith(ModelRequest);

/**
 * Wraps `model` with `journal`: a call whose key the journal holds is answered from it without
 * calling `model`; any other call goes to `model`, and its response is appended to the journal
 * (one whole line, `{ key, sample, response }`) before it is passed on. Keys are assigned as in
 * `recordModel` (`requestKey(request, sample)`, with `sample` explicit or the occurrence index
 * of the request in this Model instance), so a run that is killed and started again with the
 * journal opened with `resume: true` issues no call that had completed, and, given per-item
 * seeds, produces what an uninterrupted run would.
 *
 * Wrap the *retried* model (`journaledModel(retrying, journal)`), so only final answers are
 * journaled. Failed calls are not journaled and are issued again on resume.
 *
 * @param model The model to call on a journal miss.
 * @param journal An open journal of `JournalEntry` (see `openJournal`).
 * @returns The journaled model.
 *
 * @example Resume without re-issuing completed calls
 * ```ts
 * const journal = openJournal(join(runDirectory, JOURNAL_FILE_NAME), JournalEntry, { resume: true });
 * const model = journaledModel(createHttpModel({ baseUrl }), journal);
 * await lastValueFrom(withDemand(readJsonl(input, Problem), pipeline(model), { window: 64 }));
 * journal.close();
 * ```
 */
export function journaledModel(model: Model, journal: Journal<JournalEntry>): SampledModel {
  const keyer = createRequestKeyer();
  return (request: ModelRequest, sample?: number): Observable<ModelResponse> => {
    const decoded = decodeRequest(request);
    if (E.isLeft(decoded)) {
      return throwError(() => new TypeError(`Cannot key model call as the request is invalid: ${describeFailure(decoded.left)}`));
    }
    const clean = decoded.right;
    const keyed = E.tryCatch(() => keyer(clean, sample), (error) => error);
    if (E.isLeft(keyed)) return throwError(() => keyed.left);
    const call = keyed.right;
    return defer(() => {
      const done = journal.get(call.key);
      if (done !== undefined) return of(done.response);
      return model(clean).pipe(
        tap((response) => journal.append({ key: call.key, sample: call.sample, response })),
      );
    });
  };
}
