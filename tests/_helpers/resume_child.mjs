// Child of tests/models/resume_test.ts, run with plain node against dist/: a small collect-like
// pipeline over a problem file. Each item makes one model call, every third item a second one
// that depends on the first answer. Calls go through the run's journal; outputs go through
// reorder() and an appender, so the output file follows input order at any concurrency.
// Arguments: BASE_URL INPUT OUT_DIR CONCURRENCY [--resume]
import { join } from "node:path";
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { lastValueFrom, map, mergeMap, of, pipe } from "rxjs";
import { JournalEntry } from "../../dist/codecs/journal_entry.js";
import { createHttpModel } from "../../dist/models/http_model.js";
import { journaledModel } from "../../dist/models/journaled_model.js";
import { withDemand } from "../../dist/streams/demand_source.js";
import { JOURNAL_FILE_NAME, openJournal } from "../../dist/streams/journal.js";
import { readJsonl } from "../../dist/streams/read_jsonl.js";
import { reorder } from "../../dist/streams/reorder.js";
import { appendJsonl, openJsonlAppender } from "../../dist/streams/write_jsonl.js";

const [baseUrl = "", input = "", outDirectory = "", concurrencyText = "4", flag] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const resume = flag === "--resume";
const Item = t.type({ id: t.string, question: t.string });

const journal = openJournal(join(outDirectory, JOURNAL_FILE_NAME), JournalEntry, { resume, syncEvery: 8 });
const http = createHttpModel({ baseUrl, model: "test-model", maxRetries: 0 });
const model = journaledModel(http, journal);
const appender = openJsonlAppender(join(outDirectory, "outputs.jsonl"), { truncate: true });

async function* indexed() {
  let index = 0;
  for await (const result of readJsonl(input, Item)) yield { index: index++, result };
}

function textOf(response) {
  return response.choices[0]?.text ?? "";
}

function solve({ index, result }) {
  if (E.isLeft(result)) return of({ index, rejection: result.left.message });
  const item = result.right.value;
  // a per-item seed keeps identical prompts of different items apart
  const first = model({ prompt: `solve ${item.id}: ${item.question}`, temperature: 0.7, seed: index, maxTokens: 16 });
  return first.pipe(
    mergeMap((response) => {
      const answer = textOf(response);
      if (index % 3 !== 0) return of({ index, id: item.id, answer });
      return model({ prompt: `check ${item.id}: ${answer}`, temperature: 0.7, seed: index, maxTokens: 16 }).pipe(
        map((check) => ({ index, id: item.id, answer, check: textOf(check) })),
      );
    }),
  );
}

await lastValueFrom(
  withDemand(indexed(), pipe(mergeMap(solve, concurrency), reorder((record) => record.index), appendJsonl(appender)), {
    window: concurrency * 2,
  }),
  { defaultValue: undefined },
);
appender.close();
journal.close();
await http.close();
process.stdout.write(`done ${appender.count} outputs, ${journal.loaded} journaled calls loaded\n`);
