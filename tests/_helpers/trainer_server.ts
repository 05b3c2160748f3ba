/**
 * The trainer's OpenAI-compatible test server (`python -m tripost_trainer.serve`) in a child
 * process on a free port of 127.0.0.1: resolves once it prints its address, and keeps every line
 * it writes to stdout (one per request: route, model, status).
 */
import { spawn } from "node:child_process";

export interface TrainerServer {
  /** `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  /** The server's stdout lines so far. */
  readonly lines: string[];
  /** Stops the server (SIGTERM) and waits until it has exited. */
  close(): Promise<void>;
}

/** Starts `python -m tripost_trainer.serve` for `model`, served as `servedName`. */
export function startTrainerServer(options: { python: string; model: string; servedName: string; cwd: string; env?: NodeJS.ProcessEnv }): Promise<TrainerServer> {
  const child = spawn(options.python, ["-m", "tripost_trainer.serve", "--model", options.model, "--served-model-name", options.servedName, "--port", "0"], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const close = () =>
    new Promise<void>((resolveClose) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveClose();
      child.once("close", () => resolveClose());
      child.kill("SIGTERM");
    });
  return new Promise((resolveServer, reject) => {
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const complete = pending.split("\n");
      pending = complete.pop() ?? "";
      for (const line of complete) {
        lines.push(line);
        const listening = /^tripost_trainer\.serve: listening on (\S+)$/.exec(line);
        if (listening?.[1] !== undefined) resolveServer({ url: listening[1], lines, close });
      }
    });
    child.on("error", reject);
    child.on("close", (code) => reject(new Error(`the trainer's server exited ${code} before it listened:\n${errors.slice(-2000)}`)));
  });
}
