/**
 * The benches' local OpenAI-compatible `/v1/completions` server, run in a child process (so its
 * CPU is not charged to the client being measured): it answers every request with the text and
 * usage `answer` gives for the request's prompt, after `latencyMs`, and reports its port to the
 * parent over IPC. It exits when the parent disconnects.
 *
 * @module
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** What the server answers to one prompt. */
export interface BenchAnswer {
  readonly text: string;
  readonly usage: { readonly prompt_tokens: number; readonly completion_tokens: number; readonly total_tokens: number };
}

/** Serves `/v1/completions` on 127.0.0.1 (an ephemeral port, sent to the parent as `{ port }`). */
export function serveCompletions(answer: (prompt: string) => BenchAnswer, latencyMs = 0): void {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      let prompt = "";
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { prompt?: unknown };
        prompt = typeof body.prompt === "string" ? body.prompt : "";
      } catch {
        // answer anyway
      }
      const { text, usage } = answer(prompt);
      const payload = JSON.stringify({
        id: "cmpl-bench",
        object: "text_completion",
        created: 1730000000,
        model: "bench",
        choices: [{ index: 0, text, logprobs: null, finish_reason: "stop" }],
        usage,
      });
      const send = (): void => {
        response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(payload) });
        response.end(payload);
      };
      if (latencyMs > 0) setTimeout(send, latencyMs);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1", () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on("disconnect", () => process.exit(0));
}
