import { existsSync } from "node:fs";
import { basename } from "node:path";
import { InputError } from "../errors.js";
import { serveStudent } from "../models/student/serve.js";
import { numberFlag, type ParsedArgs, stringFlag } from "./_args.js";
import type { CliIo, Command } from "./_command.js";
import { embeddedPath } from "./train.js";

/** Options the serve command takes from its environment: when to stop (tests pass a signal). */
export interface ServeLifetime {
  /** Resolves when the server should stop. @default {SIGINT or SIGTERM} */
  readonly until?: Promise<void>;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

/** `tripost serve`: the embedded student as an OpenAI-compatible server. */
export function createServeCommand(lifetime: ServeLifetime = {}): Command {
  return {
    name: "serve",
    summary: "serve the embedded student as an OpenAI-compatible server (/health, /v1/models, /v1/completions, /v1/chat/completions; logprobs, echo; see docs/contract.md)",
    usage: "tripost serve --student embedded:PATH [--port P] [--host 127.0.0.1] [--model-name NAME]",
    flags: {
      student: { type: "string", description: "the checkpoint to serve", placeholder: "embedded:PATH", required: true },
      port: { type: "number", description: "the port (0 picks a free one)", placeholder: "P", integer: true, min: 0, max: 65535, defaultText: "8000" },
      host: { type: "string", description: "the address to listen on", placeholder: "HOST", defaultText: "127.0.0.1" },
      "model-name": { type: "string", description: "the model name clients send", placeholder: "NAME", defaultText: "the checkpoint's folder name" },
    },
    async run(args: ParsedArgs, io: CliIo): Promise<void> {
      const checkpoint = embeddedPath(io, stringFlag(args.flags, "student") as string, "student");
      if (!existsSync(checkpoint)) throw new InputError({ file: checkpoint }, "no such checkpoint directory");
      const server = await serveStudent({
        checkpoint,
        host: stringFlag(args.flags, "host") ?? "127.0.0.1",
        port: numberFlag(args.flags, "port") ?? 8000,
        modelName: stringFlag(args.flags, "model-name") ?? basename(checkpoint),
      });
      io.stderr.write(`tripost serve: ${server.baseUrl} (model '${server.model.modelName}'); Ctrl-C stops\n`);
      io.stdout.write(`${server.baseUrl}\n`);
      await (lifetime.until ?? untilSignal());
      await server.close();
    },
  };
}

/** The serve command, stopped by SIGINT or SIGTERM. */
export const serveCommand: Command = createServeCommand();
