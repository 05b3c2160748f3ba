import * as E from "fp-ts/lib/Either.js";
import { firstValueFrom, from, lastValueFrom, toArray } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAiServer, type Reply, type RequestContext, startOpenAiServer } from "../_helpers/openai_server.js";
import { resolveExpert } from "../../src/cli/_experts.js";
import { ExpertConfig, StudentSetting } from "../../src/codecs/config.js";
import { PREFILL_FEEDBACK_INSTRUCTION, PREFILL_IMPROVE_INSTRUCTION } from "../../src/experts/expert_prompts.js";
import { llmExpert } from "../../src/experts/llm_expert.js";
import { EndpointError, isFatal, isPrefillUnsupported, PrefillUnsupportedError } from "../../src/models/errors.js";
import { createHttpModel } from "../../src/models/http_model.js";
import { edit, type EditedTrajectory } from "../../src/stages/edit.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { silentIo } from "../_helpers/cli_io.js";
import { GOLD, problem, WRONG } from "./_word_sorting_case.js";

const io = silentIo();

const GOLD_LINES = GOLD.split("\n");
const UPDATE_HEADER = `Updated Answer: Let's think step by step.${wordSorting.info}`;

interface Message {
  readonly role: string;
  readonly content: string;
}

const seen: RequestContext[] = [];

/** A server that continues a trailing assistant message (as vLLM does with `continue_final_message`). */
function prefillReply(context: RequestContext): Reply {
  seen.push(context);
  const messages = context.body["messages"] as Message[];
  const last = messages[messages.length - 1];
  if (last?.content === "Earliest error step:") {
    return { texts: [' (Final response)\nError segment: "nectar otter oak"\nError reason: Step (4) puts "oak" before "otter". [END]'] };
  }
  // The continuation of the forced prefix: only the lines after it.
  return { texts: [`\n${GOLD_LINES[GOLD_LINES.length - 1]} [END]`], usage: { prompt_tokens: 700, completion_tokens: 12 } };
}

/** OpenAI's answer to fields it does not know. */
function unsupported(context: RequestContext): { type: "status"; status: number; body: string } | undefined {
  const unknown = Object.keys(context.body).find((field) => field === "continue_final_message" || field === "add_generation_prompt");
  return unknown === undefined ? undefined : {
    type: "status",
    status: 400,
    body: JSON.stringify({
      error: { message: `Unrecognized request argument supplied: ${unknown}`, type: "invalid_request_error", param: null, code: null },
    }),
  };
}

let server: OpenAiServer;
let openAi: OpenAiServer;

beforeAll(async () => {
  server = await startOpenAiServer({ handler: prefillReply });
  openAi = await startOpenAiServer({ faults: unsupported });
});

afterAll(async () => {
  await server.close();
  await openAi.close();
});

describe("IMP and FBK over /v1/chat/completions with assistant prefill", () => {
  it("edit() with resolveExpert(url, chat-prefill) sends a user message, then the answer's start as an assistant message with vLLM's flags", async () => {
    seen.length = 0;
    const expert = resolveExpert(wordSorting, server.url, { io, modelName: "big", endpoint: "chat-prefill", maxRetries: 0 });
    try {
      const [result] = await lastValueFrom(
        from([{ problem, iteration: 0, continuation: WRONG }]).pipe(edit(expert, { task: wordSorting }), toArray()),
      );
      expect(result !== undefined && E.isRight(result)).toBe(true);
      const trajectory = (result as E.Right<EditedTrajectory>).right;
      expect(trajectory.outcome).toBe("edited");
      // The continuation is appended to the forced prefix (every step before the final response).
      expect(trajectory.turns.map((turn) => turn.attempt)).toEqual([WRONG, GOLD]);
      expect(seen).toHaveLength(2);
      for (const context of seen) {
        expect(context.path).toBe("/v1/chat/completions");
        expect(context.body["continue_final_message"]).toBe(true);
        expect(context.body["add_generation_prompt"]).toBe(false);
        expect(context.body["stop"]).toEqual(["[END]"]);
        expect(context.body["model"]).toBe("big");
        const messages = context.body["messages"] as Message[];
        expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
      }
      const [critique, improve] = seen.map((context) => context.body["messages"] as Message[]);
      expect(critique?.[0]?.content.startsWith(`${PREFILL_FEEDBACK_INSTRUCTION}\n\n`)).toBe(true);
      expect(critique?.[0]?.content.endsWith(WRONG)).toBe(true);
      expect(critique?.[1]?.content).toBe("Earliest error step:");
      expect(improve?.[0]?.content.startsWith(`${PREFILL_IMPROVE_INSTRUCTION}\n\n`)).toBe(true);
      expect(improve?.[0]?.content.endsWith(`Feedback: ${trajectory.turns[0]?.feedback}`)).toBe(true);
      expect(improve?.[0]?.content).not.toContain(`${UPDATE_HEADER}\n${GOLD_LINES[0]}\n${GOLD_LINES[1]}\n${GOLD_LINES[2]}`);
      // The assistant message: the update header and the forced prefix, without a trailing newline.
      expect(improve?.[1]?.content).toBe(`${UPDATE_HEADER}\n${GOLD_LINES.slice(0, -1).join("\n")}`);
      expect(seen.map((context) => context.body["temperature"])).toEqual([0, 0.7]);
    } finally {
      await expert.close();
    }
  });

  it("drops a restated header and prefix when a server answers the whole update instead of continuing", async () => {
    const restating = await startOpenAiServer({
      handler: () => ({ texts: [`${UPDATE_HEADER}\n${GOLD} [END]`] }),
    });
    const model = createHttpModel({ baseUrl: restating.url, model: "m", endpoint: "chat-prefill", maxRetries: 0 });
    try {
      const expert = llmExpert(model, { task: wordSorting, endpoint: "chat-prefill" });
      const verdict = { correct: false, errorStep: "Final response", errorSegment: "nectar otter oak", feedback: "In step (Final response) x." };
      const improved = await firstValueFrom(expert.improve(problem, WRONG, verdict));
      expect(improved).toEqual(E.right(GOLD));
    } finally {
      await model.close();
      await restating.close();
    }
  });

  it("a server that rejects the prefill fields gives one PrefillUnsupportedError, not retried, that names the chat endpoint", async () => {
    const model = createHttpModel({ baseUrl: openAi.url, model: "gpt", endpoint: "chat-prefill", maxRetries: 3, retry: { initialDelayMs: 1 } });
    try {
      const expert = llmExpert(model, { task: wordSorting, endpoint: "chat-prefill" });
      const before = openAi.counts.requests;
      const failure = await firstValueFrom(expert.critique(problem, WRONG)).then(() => undefined, (error: unknown) => error);
      expect(openAi.counts.requests - before).toBe(1);
      expect(isPrefillUnsupported(failure)).toBe(true);
      // The shared isFatal stops collect and run on it: every prefill call would fail alike.
      expect(isFatal(failure)).toBe(true);
      const error = failure as PrefillUnsupportedError;
      expect(EndpointError.isInstance(error)).toBe(true);
      expect(error.retryable).toBe(false);
      expect(error.status).toBe(400);
      expect(error.message).toContain("does not support assistant prefill");
      expect(error.message).toContain("Unrecognized request argument supplied: continue_final_message");
      expect(error.message).toContain("use the 'chat' endpoint");
      // The same server is fine with a plain chat request (no prefill fields are sent then).
      const plain = await firstValueFrom(model({ messages: [{ role: "user", content: "hi" }], maxTokens: 4 }));
      expect(plain.choices[0]?.text).toBe("echo:hi");
    } finally {
      await model.close();
    }
  });

  it("an ordinary 400 to a prefill request stays an ordinary EndpointError", async () => {
    const broken = await startOpenAiServer({ faults: () => ({ type: "status", status: 400 }) });
    const model = createHttpModel({ baseUrl: broken.url, model: "m", endpoint: "chat-prefill", maxRetries: 2 });
    try {
      const failure = await firstValueFrom(
        model({ messages: [{ role: "user", content: "q" }, { role: "assistant", content: "a" }] }),
      ).then(() => undefined, (error: unknown) => error);
      expect(EndpointError.isInstance(failure)).toBe(true);
      expect(isPrefillUnsupported(failure)).toBe(false);
      expect(isFatal(failure)).toBe(false);
      expect(broken.counts.requests).toBe(1);
    } finally {
      await model.close();
      await broken.close();
    }
  });

  it("createHttpModel() sends extraBody fields, and refuses ones the adapter writes", async () => {
    seen.length = 0;
    const model = createHttpModel({
      baseUrl: server.url,
      model: "m",
      endpoint: "chat-prefill",
      extraBody: { chat_template_kwargs: { enable_thinking: false } },
      stream: true,
    });
    try {
      const response = await firstValueFrom(
        model({ messages: [{ role: "user", content: "q" }, { role: "assistant", content: "Earliest error step:" }], maxTokens: 8 }),
      );
      expect(response.choices[0]?.text).toContain("(Final response)");
      expect(response.usage).toBeDefined();
      expect(seen[0]?.body["chat_template_kwargs"]).toEqual({ enable_thinking: false });
      expect(seen[0]?.body["continue_final_message"]).toBe(true);
      expect(seen[0]?.body["stream"]).toBe(true);
    } finally {
      await model.close();
    }
    expect(() => createHttpModel({ baseUrl: server.url, model: "m", extraBody: { messages: [] } })).toThrow(/extraBody.*messages/);
    expect(() => createHttpModel({ baseUrl: server.url, model: "m", endpoint: "chat-complete" as "chat" })).toThrow(/endpoint/);
  });

  it("a chat-prefill model sends no prefill fields for a request that does not end with an assistant message", async () => {
    seen.length = 0;
    const model = createHttpModel({ baseUrl: server.url, model: "m", endpoint: "chat-prefill" });
    try {
      await firstValueFrom(model({ prompt: "Earliest error step:" }));
      expect(seen[0]?.body["messages"]).toEqual([{ role: "user", content: "Earliest error step:" }]);
      expect("continue_final_message" in (seen[0]?.body ?? {})).toBe(false);
      expect("add_generation_prompt" in (seen[0]?.body ?? {})).toBe(false);
    } finally {
      await model.close();
    }
  });
});

describe("the config codec", () => {
  it("accepts chat-prefill as an expert's endpoint and not as a student's", () => {
    const expert = ExpertConfig.decode({ url: "http://127.0.0.1:8000/v1", model: "big", endpoint: "chat-prefill" });
    expect(E.isRight(expert) && typeof expert.right !== "string" && expert.right.endpoint).toBe("chat-prefill");
    expect(E.isLeft(ExpertConfig.decode({ url: "http://127.0.0.1:8000/v1", endpoint: "prefill" }))).toBe(true);
    expect(E.isLeft(StudentSetting.decode({ spec: "http://127.0.0.1:8000/v1", endpoint: "chat-prefill" }))).toBe(true);
    expect(E.isRight(StudentSetting.decode({ spec: "http://127.0.0.1:8000/v1", endpoint: "chat" }))).toBe(true);
  });
});
