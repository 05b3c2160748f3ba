import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Rejection } from "../codecs/rejection.js";
import { TrainingExample } from "../codecs/training_example.js";
import { Trajectory } from "../codecs/trajectory.js";
import { InputError, UsageError } from "../errors.js";
import { rebalanceExamplesFile } from "../runs/collection.js";
import { collectionLayout, parseExampleId } from "../runs/layout.js";
import { UsageReport } from "../codecs/metrics.js";
import { mergeUsageEntries, usageReport } from "../models/usage_meter.js";
import { writeJsonl } from "../streams/write_jsonl.js";
import { booleanFlag, numberFlag, type ParsedArgs, stringFlag } from "./_args.js";
import type { CliIo, Command } from "./_command.js";
import { decodeLine, parseJsonlText, readInputText } from "./_input.js";
import { writeOutput } from "./_output.js";
import { clearOwnOutputs, FORCE_FLAG, prepareOutDirectory } from "./_out_dir.js";
import { checkShards, mergedSettings } from "./_merge_check.js";
import { runVersions } from "./_run_record.js";

/** One record of a shard with what it is sorted by. */
interface Placed<T> {
  readonly value: T;
  readonly problemId: string;
  readonly shard: number;
  readonly index: number;
}

interface ShardOutput {
  readonly directory: string;
  readonly stats: Record<string, unknown>;
  readonly positions: Readonly<Record<string, number>> | undefined;
  readonly trajectories: Placed<unknown>[];
  readonly rejections: Placed<unknown>[];
  readonly examples: Placed<TrainingExample>[];
}

async function readRecords<T>(
  io: CliIo,
  path: string,
  decode: (file: string, input: { line: number; value: unknown }) => T,
  idOf: (value: T) => string,
  shard: number,
): Promise<Placed<T>[]> {
  const { name, text } = await readInputText(io, path);
  return parseJsonlText(name, text).map((input, index) => {
    const value = decode(name, input);
    return { value, problemId: idOf(value), shard, index };
  });
}

async function readShard(io: CliIo, directory: string, shard: number): Promise<ShardOutput> {
  const statsPath = join(directory, "stats.json");
  const { name, text } = await readInputText(io, statsPath);
  let stats: Record<string, unknown>;
  try {
    stats = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new InputError({ file: name }, `not valid JSON (${(error as Error).message})`);
  }
  const shardInfo = stats["shard"] as { positions?: Record<string, number> } | undefined;
  const examplesPath = join(directory, "examples.jsonl");
  if (!existsSync(resolve(io.cwd, examplesPath))) {
    throw new InputError({ file: examplesPath }, "no such file (written by 'tripost collect' since shards exist: collect again)");
  }
  const raw = (file: string, input: { line: number; value: unknown }, codec: typeof Trajectory | typeof Rejection) => {
    decodeLine(codec, file, input);
    return input.value;
  };
  return {
    directory,
    stats,
    positions: shardInfo?.positions,
    trajectories: await readRecords(io, join(directory, "trajectories.jsonl"), (file, input) => raw(file, input, Trajectory), (value) => (value as { id: string }).id, shard),
    rejections: await readRecords(io, join(directory, "rejections.jsonl"), (file, input) => raw(file, input, Rejection), (value) => (value as { id: string }).id, shard),
    examples: await readRecords(
      io,
      examplesPath,
      (file, input): TrainingExample => decodeLine(TrainingExample, file, input),
      (example) => parseExampleId(example.id).problemId,
      shard,
    ),
  };
}

/**
 * Sorts records of several shards into one deterministic order: by the problem's position in the
 * collection's input when every shard records it (`stats.json` `shard.positions`), else by
 * problem id; a problem's records keep their order within its shard.
 */
function ordered<T>(records: readonly Placed<T>[], positions: ReadonlyMap<string, number> | undefined): T[] {
  const key = (record: Placed<T>) => positions?.get(record.problemId) ?? Number.POSITIVE_INFINITY;
  return [...records]
    .sort((left, right) =>
      key(left) - key(right) ||
      (left.problemId < right.problemId ? -1 : left.problemId > right.problemId ? 1 : 0) ||
      left.shard - right.shard ||
      left.index - right.index
    )
    .map((record) => record.value);
}

function sumCounts(objects: readonly unknown[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const object of objects) {
    if (typeof object !== "object" || object === null) continue;
    for (const [key, value] of Object.entries(object)) {
      if (typeof value === "number") total[key] = (total[key] ?? 0) + value;
    }
  }
  return total;
}

/** The shards' model usage summed (`stats.json` `usage`), or nothing when no shard recorded any. */
function mergedUsage(usages: readonly unknown[]): { usage?: UsageReport } {
  const entries = usages.flatMap((usage) => {
    const decoded = UsageReport.decode(usage);
    return decoded._tag === "Right" ? [decoded.right.entries] : [];
  });
  return entries.length === 0 ? {} : { usage: usageReport(mergeUsageEntries(entries)) };
}

/** `tripost merge`: joins the outputs of `tripost collect --shard i/n` and rebalances over the union. */
export const mergeCommand: Command = {
  name: "merge",
  summary: "join shard outputs of 'tripost collect --shard' and rebalance the training data over the union",
  usage: "tripost merge SHARD_DIR... --out DIR [--ratio R] [--seed S]   (every shard 1/n … n/n of one collect --shard split)",
  flags: {
    out: { type: "string", description: "the merged output directory", placeholder: "DIR", required: true },
    ratio: { type: "number", description: "improve_data_ratio r of the rebalancing (≤ 0 keeps all); as in the collections", placeholder: "R", defaultText: "the shards' (recorded in their stats.json)" },
    seed: { type: "number", description: "the run's seed, as in the collections", placeholder: "S", integer: true, defaultText: "the shards' (recorded in their stats.json)" },
    ...FORCE_FLAG,
  },
  async run(args: ParsedArgs, io: CliIo): Promise<void> {
    if (args.positionals.length === 0) throw new UsageError("Cannot merge as no shard directory is given (see 'tripost merge --help')");
    const outputs = ["trajectories.jsonl", "rejections.jsonl", "examples.jsonl", "train.jsonl", "stats.json"];
    const out = prepareOutDirectory(io, stringFlag(args.flags, "out") as string, outputs, {
      command: "merge",
      force: booleanFlag(args.flags, "force"),
      inputs: args.positionals,
    });
    const shards: ShardOutput[] = [];
    for (const [index, directory] of args.positionals.entries()) shards.push(await readShard(io, directory, index));
    // Every shard 1…n once, collected alike; --seed and --ratio default to theirs.
    const settings = checkShards(shards, {
      ...(numberFlag(args.flags, "seed") === undefined ? {} : { seed: numberFlag(args.flags, "seed") as number }),
      ...(numberFlag(args.flags, "ratio") === undefined ? {} : { ratio: numberFlag(args.flags, "ratio") as number }),
    });
    const iterations = new Set(shards.map((shard) => shard.stats["iteration"] ?? 0));
    if (iterations.size > 1) throw new UsageError(`Cannot merge as the shards are of different iterations: current value is ${[...iterations].join(", ")}`);
    const iteration = Number([...iterations][0] ?? 0);
    let positions: Map<string, number> | undefined = new Map();
    for (const shard of shards) {
      if (shard.positions === undefined) {
        positions = undefined;
        break;
      }
      for (const [id, position] of Object.entries(shard.positions)) positions.set(id, position);
    }
    const seen = new Map<string, string>();
    for (const shard of shards) {
      for (const record of [...shard.trajectories, ...shard.rejections]) {
        const other = seen.get(record.problemId);
        if (other !== undefined) {
          throw new InputError({ file: shard.directory }, `the problem '${record.problemId}' is also in ${other}: the shards overlap`);
        }
        seen.set(record.problemId, shard.directory);
      }
    }
    const seed = settings.seed ?? 0;
    const improveDataRatio = settings.improveDataRatio ?? 1.5;
    const trajectories = ordered(shards.flatMap((shard) => shard.trajectories), positions);
    const rejections = ordered(shards.flatMap((shard) => shard.rejections), positions);
    const unbalanced = ordered(shards.flatMap((shard) => shard.examples), positions);
    const split = unbalanced.filter((example) => example.kind !== "gold");
    const gold = unbalanced.filter((example) => example.kind === "gold");
    // --force: the earlier output goes only now, once the shards have passed every check.
    clearOwnOutputs(out, outputs, { force: booleanFlag(args.flags, "force") });
    mkdirSync(out, { recursive: true });
    const layout = collectionLayout(out);
    await writeJsonl(layout.trajectories, trajectories);
    await writeJsonl(layout.rejections, rejections);
    await writeJsonl(layout.examples, [...split, ...gold]);
    // The rebalancing of a collection over the union (the same seeds and rebalancer), so merging
    // shards gives one collection's training set.
    const withGold = await rebalanceExamplesFile(layout.examples, layout.train, { improveDataRatio, seed, iteration });
    const first = shards[0]?.stats ?? {};
    const stats = {
      ...(first["task"] === undefined ? {} : { task: first["task"] }),
      ...(first["student"] === undefined ? {} : { student: first["student"] }),
      ...(first["format"] === undefined ? {} : { format: first["format"] }),
      iteration,
      merged: args.positionals,
      problems: shards.reduce((total, shard) => total + Number(shard.stats["problems"] ?? 0), 0),
      passes: 1,
      outcomes: sumCounts(shards.map((shard) => shard.stats["outcomes"])),
      rejections: sumCounts(shards.map((shard) => shard.stats["rejections"])),
      examplesBeforeRebalance: sumCounts(shards.map((shard) => shard.stats["examplesBeforeRebalance"])),
      rebalance: withGold.stats,
      ...mergedUsage(shards.map((shard) => shard.stats["usage"])),
      // What ran: the shards' common settings (issue 11 "Records of what ran").
      ...mergedSettings(shards, runVersions()),
    };
    await writeOutput(io, join(out, "stats.json"), `${JSON.stringify(stats, null, 2)}\n`);
    io.stderr.write(
      `tripost merge: ${shards.length} shards, ${trajectories.length} trajectories, ${rejections.length} rejections, ${withGold.trainingExamples} training examples (p = ${
        withGold.stats.p.toFixed(2)
      }) in ${out}\n`,
    );
  },
};
