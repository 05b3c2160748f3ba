import * as E from "fp-ts/lib/Either.js";
import { firstValueFrom, from, lastValueFrom, toArray } from "rxjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAiServer, type RequestContext, startOpenAiServer } from "../_helpers/openai_server.js";
import { resolveExpert } from "../../src/cli/_experts.js";
import { edit, type EditedTrajectory } from "../../src/stages/edit.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";
import { silentIo } from "../_helpers/cli_io.js";
import { GOLD, problem, WRONG } from "./_word_sorting_case.js";

const io = silentIo({ EXPERT_KEY: "sk-test" });

const seen: RequestContext[] = [];

function reply(context: RequestContext): { texts: string[] } {
  seen.push(context);
  // Only the IMP prompt shows updated answers.
  if (!context.key.includes("Updated Answer:")) {
    return { texts: [' (Final response)\nError segment: "nectar otter oak"\nError reason: Step (4) puts "oak" before "otter". [END] chatter'] };
  }
  return { texts: ["(Final response) So the answer is: nectar oak otter.\n"] };
}

let server: OpenAiServer;

beforeAll(async () => {
  server = await startOpenAiServer({ handler: reply });
});

afterAll(async () => {
  await server.close();
});

describe("an LLM expert over HTTP", () => {
  it.each(["completions", "chat"] as const)("edit() with resolveExpert(url) over /v1/%s gives an edited trajectory", async (endpoint) => {
    seen.length = 0;
    const expert = resolveExpert(wordSorting, server.url, { io, modelName: "big", apiKeyEnv: "EXPERT_KEY", endpoint, maxRetries: 0 });
    try {
      expect(WRONG).not.toBe(GOLD);
      const [result] = await lastValueFrom(
        from([{ problem, iteration: 0, continuation: WRONG }]).pipe(edit(expert, { task: wordSorting }), toArray()),
      );
      expect(result !== undefined && E.isRight(result)).toBe(true);
      const trajectory = (result as E.Right<EditedTrajectory>).right;
      expect(trajectory.outcome).toBe("edited");
      expect(trajectory.turns.map((turn) => turn.attempt)).toEqual([WRONG, GOLD]);
      expect(trajectory.turns[0]?.feedback).toBe(
        'Step (1) to step (4) are correct. In step (Final response) the part "nectar otter oak" is incorrect. This is because step (4) puts "oak" before "otter".',
      );
      // One FBK call, one IMP call; the correct update is judged without a call.
      expect(seen.map((context) => context.path)).toEqual(Array(2).fill(`/v1/${endpoint === "chat" ? "chat/completions" : "completions"}`));
      for (const context of seen) {
        expect(context.body["stop"]).toEqual(["[END]"]);
        expect(context.body["model"]).toBe("big");
        expect(context.headers.authorization).toBe("Bearer sk-test");
      }
      expect(seen.map((context) => context.body["temperature"])).toEqual([0, 0.7]);
      const direct = await firstValueFrom(expert.critique(problem, GOLD));
      expect(E.isRight(direct) && direct.right.correct).toBe(true);
      expect(seen).toHaveLength(2);
    } finally {
      await expert.close();
    }
  });
});
