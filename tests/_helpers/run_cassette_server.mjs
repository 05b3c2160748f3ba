/**
 * A tiny OpenAI-compatible `/v1/completions` server on 127.0.0.1 for the `collect` and `run`
 * acceptance tests: it turns the wire body back into the `ModelRequest` the HTTP adapter was
 * given (`max_tokens` → `maxTokens`, `top_p` → `topP`, the adapter's default model name dropped)
 * and answers with whatever `answer(request)` resolves to. `undefined` (a cassette miss) or a
 * thrown error answers 500 and counts as a miss.
 *
 * Plain JavaScript so the recording script (`run_record_cassette.mjs`, over `dist/`) and the
 * vitest tests share it; types in `run_cassette_server.d.mts`.
 */
import { createServer } from "node:http";

/** The `ModelRequest` a completions body was made from (see `src/models/http_model.ts`). */
export function requestOfWire(body) {
  const request = { prompt: body.prompt };
  if (typeof body.model === "string" && body.model !== "default") request.model = body.model;
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.topP = body.top_p;
  if (body.max_tokens !== undefined) request.maxTokens = body.max_tokens;
  if (body.stop !== undefined) request.stop = body.stop;
  if (body.n !== undefined) request.n = body.n;
  if (body.seed !== undefined) request.seed = body.seed;
  return request;
}

function wireOfResponse(response) {
  return {
    id: "cmpl-cassette",
    object: "text_completion",
    created: 0,
    model: response.model ?? "cassette",
    choices: response.choices.map((choice, index) => ({ index, text: choice.text, logprobs: null, finish_reason: choice.finishReason })),
    usage: {
      prompt_tokens: response.usage?.promptTokens ?? 0,
      completion_tokens: response.usage?.completionTokens ?? 0,
      total_tokens: (response.usage?.promptTokens ?? 0) + (response.usage?.completionTokens ?? 0),
    },
  };
}

/** Starts the server; `answer` may be replaced later through `server.answer`. */
export async function startCassetteServer(answer) {
  const state = { calls: 0, misses: [], answer };
  const sockets = new Set();
  const server = createServer((incoming, outgoing) => {
    let text = "";
    incoming.setEncoding("utf8");
    incoming.on("data", (chunk) => (text += chunk));
    incoming.on("end", () => {
      void (async () => {
        state.calls += 1;
        let response;
        let failure;
        try {
          if (incoming.method !== "POST" || !incoming.url?.endsWith("/v1/completions")) throw new Error(`no route ${incoming.method} ${incoming.url}`);
          response = await state.answer(requestOfWire(JSON.parse(text)));
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        if (response === undefined) {
          state.misses.push(failure ?? text.slice(0, 200));
          outgoing.writeHead(500, { "content-type": "application/json" });
          outgoing.end(JSON.stringify({ error: { message: `cassette miss: ${failure ?? "no entry"}`, type: "server_error", param: null, code: "server_error" } }));
          return;
        }
        outgoing.writeHead(200, { "content-type": "application/json" });
        outgoing.end(JSON.stringify(wireOfResponse(response)));
      })();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get calls() {
      return state.calls;
    },
    get misses() {
      return state.misses;
    },
    set answer(next) {
      state.answer = next;
    },
    reset() {
      state.calls = 0;
      state.misses = [];
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
