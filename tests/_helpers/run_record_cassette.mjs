/**
 * Records the cassette of `tests/cli/collect_test.ts` ONCE (the test never records):
 *
 *   npm run build && node tests/_helpers/run_record_cassette.mjs
 *
 * It writes 12 easy multistep-arithmetic problems to `fixtures/cassettes/collect-msa/problems.jsonl`
 * and runs `tripost collect` against the cassette server, whose answers come from the embedded
 * student `fixtures/student/m0-msa` wrapped by `recordModel`, so the recorded requests are
 * exactly what the server rebuilds from the wire in the test.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { firstValueFrom } from "rxjs";
import { main } from "../../dist/cli.js";
import { recordModel } from "../../dist/models/cassette.js";
import { createStudentModel } from "../../dist/models/student/student_model.js";
import { startCassetteServer } from "./run_cassette_server.mjs";

const root = resolve(import.meta.dirname, "../..");
const directory = join(root, "fixtures/cassettes/collect-msa");
mkdirSync(directory, { recursive: true });

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => process.stderr.write(chunk));
  const stdin = new PassThrough();
  stdin.end("");
  return { value: { stdin, stdout, stderr, env: {}, cwd: root, isTty: false }, out: () => out };
}

const problemsIo = io();
const problemsCode = await main(
  ["problems", "--task", "multistep_arithmetic", "--count", "12", "--seed", "11", "--difficulty", "easy", "--out", join(directory, "problems.jsonl")],
  problemsIo.value,
);
if (problemsCode !== 0) throw new Error(`tripost problems exited ${problemsCode}`);

const student = createStudentModel(join(root, "fixtures/student/m0-msa"));
const recording = recordModel(student, join(directory, "cassette.jsonl"), { truncate: true });
const server = await startCassetteServer((request) => firstValueFrom(recording(request)));
const out = mkdtempSync(join(tmpdir(), "tripost-record-"));
const collectIo = io();
const code = await main(
  [
    "collect", "--task", "multistep_arithmetic", "--student", server.url, "--expert", "scripted", "--format", "compact",
    "--in", join(directory, "problems.jsonl"), "--out", out, "--concurrency", "1", "--max-tokens", "64", "--max-retries", "0", "--quiet",
  ],
  collectIo.value,
);
recording.close();
await student.close();
await server.close();
rmSync(out, { recursive: true, force: true });
if (code !== 0 || server.misses.length > 0) throw new Error(`tripost collect exited ${code}, ${server.misses.length} failed calls`);
process.stderr.write(`recorded ${server.calls} calls into ${join(directory, "cassette.jsonl")}\n`);
