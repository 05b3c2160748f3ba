/**
 * A collection written to its directory as it runs: each problem's trajectory or rejection and
 * its training examples are appended as they leave the pipeline ({@linkcode collectInto}), the
 * training set is rebalanced over what was written (references are byte offsets into
 * `examples.jsonl`) and copied line by line into `train.jsonl`. Memory stays bounded by the
 * demand window, whatever the number of problems. `tripost collect`, `tripost run` and
 * `tripost merge` rebalance an iteration with the same rebalancer.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { lastValueFrom } from "rxjs";
import { mkdirSync } from "node:fs";
import { TrainingExample } from "../codecs/training_example.js";
import { decodeWith, describeFailure } from "../codecs/decode.js";
import type { Model } from "../models/model.js";
import type { UsageLabel } from "../models/usage_meter.js";
import { type CollectionSink, collectInto, type CollectOptions, type CollectStats, type ProblemSource } from "../stages/collect.js";
import type { Expert } from "../stages/expert.js";
import { parseExampleId } from "../stages/example_id.js";
import { createRebalancer, type RebalanceStats } from "../stages/rebalance.js";
import { readLines } from "../streams/_read_lines.js";
import { parseJsonlLine } from "../streams/read_jsonl.js";
import type { CollectionJournals } from "./collection_journals.js";
import { openStagedJsonl, type StagedJsonl, writeLinesAt } from "./files.js";
import type { CollectionLayout } from "./layout.js";

const decodeExample = decodeWith(TrainingExample);

/** Options for {@linkcode collectToDirectory}. */
export interface CollectToDirectoryOptions extends CollectOptions {
  /** Keep the journal's entries and serve completed calls from them (`--resume`). @default {false} */
  readonly resume?: boolean;
  /** How the student's calls are counted. */
  readonly studentLabel: UsageLabel;
  /** Keep `examples.jsonl` (the unbalanced examples, for `tripost merge`). @default {true} */
  readonly keepExamples?: boolean;
  /** Rewrites each example on its way into `train.jsonl` (e.g. `maskFirstAttempts`). @default {none} */
  readonly trainTransform?: (example: TrainingExample) => TrainingExample;
}

/** What a collection left in its directory. */
export interface DirectoryCollection {
  readonly stats: CollectStats;
  /** Trajectories and rejections of the first pass. */
  readonly trajectories: number;
  readonly rejections: number;
  /** Examples in `train.jsonl`. */
  readonly trainingExamples: number;
}

function transformLine(transform: (example: TrainingExample) => TrainingExample): (line: string) => unknown {
  return (line) => {
    const decoded = decodeExample(JSON.parse(line) as unknown);
    if (E.isLeft(decoded)) throw new TypeError(`Cannot rewrite a training example: ${describeFailure(decoded.left)}`);
    return transform(decoded.right);
  };
}

/**
 * Runs one iteration's collection into `layout`: the student journaled in the collection's
 * journal (and every model `journals` wrapped, such as an HTTP expert's), first-pass records in
 * `trajectories.jsonl`/`rejections.jsonl`, later passes' in `pass-k/`, the examples in
 * `examples.jsonl`, the rebalanced set in `train.jsonl`. Each file appears whole when the
 * collection completes; a failed one leaves none of them (and its journal for a resume).
 */
export async function collectToDirectory(
  layout: CollectionLayout,
  student: Model,
  expert: Expert,
  problems: ProblemSource,
  journals: CollectionJournals,
  options: CollectToDirectoryOptions,
): Promise<DirectoryCollection> {
  const { resume = false, studentLabel, keepExamples = true, trainTransform } = options;
  mkdirSync(layout.directory, { recursive: true });
  return await journals.within(layout.journal, resume, async (journal) => {
    const rollouts = journals.meter.journaled(studentLabel, student, journal);
    const staged: StagedJsonl[] = [];
    const stage = (path: string): StagedJsonl => {
      const file = openStagedJsonl(path);
      staged.push(file);
      return file;
    };
    const examples = stage(layout.examples);
    const passes: { trajectories: StagedJsonl; rejections: StagedJsonl }[] = [];
    const sink: CollectionSink = {
      record(pass, record) {
        const files = passes[pass] ??= { trajectories: stage(layout.pass(pass).trajectories), rejections: stage(layout.pass(pass).rejections) };
        if (E.isLeft(record)) files.rejections.append(record.left);
        else files.trajectories.append(record.right);
      },
      example(example) {
        const offset = examples.bytes;
        examples.append(example);
        return offset;
      },
    };
    try {
      const summary = await lastValueFrom(collectInto(rollouts, expert, problems, sink, options));
      journal.sync();
      examples.sync();
      const trainingExamples = writeLinesAt(
        examples.partialPath,
        summary.order,
        layout.train,
        trainTransform === undefined ? undefined : transformLine(trainTransform),
      );
      for (const file of staged) {
        if (file === examples && !keepExamples) file.discard();
        else file.commit();
      }
      return {
        stats: summary.stats,
        trajectories: passes[0]?.trajectories.count ?? 0,
        rejections: passes[0]?.rejections.count ?? 0,
        trainingExamples,
      };
    } catch (error) {
      for (const file of staged) file.discard();
      throw error;
    }
  });
}

/** Options for {@linkcode rebalanceExamplesFile}. */
export interface RebalanceExamplesFileOptions {
  /** `improve_data_ratio` r. @default {1.5} */
  readonly improveDataRatio?: number;
  /** The run's seed. @default {0} */
  readonly seed?: number;
  /** The iteration. @default {0} */
  readonly iteration?: number;
}

/**
 * Rebalances an iteration from its `examples.jsonl` (every pass's split examples in pass order —
 * the pass read from each id, {@linkcode parseExampleId} — then the gold candidates) into
 * `train.jsonl`, with the rebalancer a collection uses: a merge of shards gets the training set
 * of one collection over their union. One sequential read, then one positioned read per
 * training example.
 *
 * @throws {SyntaxError} at the first line that does not decode
 */
export async function rebalanceExamplesFile(
  examplesPath: string,
  trainPath: string,
  options: RebalanceExamplesFileOptions = {},
): Promise<{ readonly stats: RebalanceStats; readonly trainingExamples: number }> {
  const rebalancer = createRebalancer(options);
  let pass = 0;
  let passesEnded = false;
  for await (const { example, start } of readJsonlWithOffsets(examplesPath)) {
    if (example.kind === "gold") {
      if (!passesEnded) rebalancer.endPass();
      passesEnded = true;
      rebalancer.addGold(example, start);
      continue;
    }
    if (passesEnded) throw new SyntaxError(`Cannot rebalance as ${examplesPath} has a split example after the gold ones: current value is ${example.id}`);
    const examplePass = parseExampleId(example.id).pass ?? 0;
    if (examplePass < pass) throw new SyntaxError(`Cannot rebalance as ${examplesPath} has the passes out of order: current value is ${example.id}`);
    while (pass < examplePass) {
      rebalancer.endPass();
      pass += 1;
    }
    rebalancer.add(example, start);
  }
  if (!passesEnded) rebalancer.endPass();
  const plan = rebalancer.finish();
  const trainingExamples = writeLinesAt(examplesPath, plan.order, trainPath);
  return { stats: plan.stats, trainingExamples };
}

/** The decoded examples of a JSONL file with the byte offset each line starts at. */
async function* readJsonlWithOffsets(path: string): AsyncGenerator<{ example: TrainingExample; start: number }> {
  // The offsets follow from the lines' lengths in bytes (files this library wrote: `\n` line ends).
  let start = 0;
  for await (const { line, text } of readLines(path)) {
    const lineStart = start;
    start += Buffer.byteLength(text, "utf8") + 1;
    if (text.trim() === "") continue;
    const decoded = parseJsonlLine(text, line, path, decodeExample);
    if (E.isLeft(decoded)) throw new SyntaxError(`Cannot rebalance as ${decoded.left.message}`);
    yield { example: decoded.right.value, start: lineStart };
  }
}
