import * as E from "fp-ts/lib/Either.js";
import { firstValueFrom } from "rxjs";
import { describe, expect, it } from "vitest";
import type { CassetteEntry } from "../../src/codecs/cassette_entry.js";
import type { ModelRequest } from "../../src/codecs/model_call.js";
import type { Problem } from "../../src/codecs/problem.js";
import { feedbackPrompt, improvePrompt, llmExpert, WORD_SORTING_EXAMPLES } from "../../src/experts/mod.js";
import { CassetteMissError, replayModel } from "../../src/models/cassette.js";
import { requestKey } from "../../src/streams/canonical_json.js";
import { prefixBefore } from "../../src/tasks/steps.js";
import { wordSorting } from "../../src/tasks/word_sorting/mod.js";

const problem: Problem = {
  id: "w2",
  task: "word_sorting",
  question: "Sort the following words alphabetically:\nList: lantern kiwi lagoon",
  answer: "kiwi lagoon lantern",
};
const GOLD = wordSorting.solve(problem);
const WRONG = GOLD.replace("So the answer is: kiwi lagoon lantern.", "So the answer is: kiwi lantern lagoon.");
const FEEDBACK =
  'Step (1) to step (4) are correct. In step (Final response) the part "kiwi lantern lagoon" is incorrect. This is because step (4) puts "lagoon" before "lantern".';

function entry(request: ModelRequest, text: string, sample = 0): CassetteEntry {
  return {
    key: requestKey(request, sample),
    sample,
    request,
    response: { choices: [{ text, finishReason: "stop" }], usage: { promptTokens: 900, completionTokens: 40 } },
  };
}

const critiqueRequest: ModelRequest = {
  prompt: feedbackPrompt(wordSorting, WORD_SORTING_EXAMPLES, problem, WRONG),
  temperature: 0,
  maxTokens: 2048,
  stop: ["[END]"],
};
const improveRequest: ModelRequest = {
  prompt: improvePrompt(wordSorting, WORD_SORTING_EXAMPLES, problem, WRONG, FEEDBACK, prefixBefore(WRONG, "Final response")),
  temperature: 0.7,
  maxTokens: 2048,
  stop: ["[END]"],
};
// What an OpenAI-compatible server returns: a leading space, the stop string removed.
const cassette = [
  entry(critiqueRequest, ' (Final response)\nError segment: "kiwi lantern lagoon"\nError reason: Step (4) puts "lagoon" before "lantern".\n'),
  entry(improveRequest, "(Final response) So the answer is: kiwi lagoon lantern.\n\n"),
];

describe("llmExpert() over a replayed cassette", () => {
  it("critique() and improve() replay strictly from hand-written entries", async () => {
    expect(WRONG).not.toBe(GOLD);
    const expert = llmExpert(replayModel(cassette), { task: wordSorting });
    const verdict = await firstValueFrom(expert.critique(problem, WRONG));
    expect(verdict).toEqual(E.right({ correct: false, errorStep: "Final response", errorSegment: "kiwi lantern lagoon", feedback: FEEDBACK }));
    if (E.isLeft(verdict)) return;
    expect(await firstValueFrom(expert.improve(problem, WRONG, verdict.right))).toEqual(E.right(GOLD));
  });

  it("critique() fails fatally on a prompt the cassette does not hold", async () => {
    const expert = llmExpert(replayModel(cassette), { task: wordSorting, maxTokens: 512 });
    const error = await firstValueFrom(expert.critique(problem, WRONG)).catch((caught: unknown) => caught);
    expect(CassetteMissError.isInstance(error)).toBe(true);
  });
});
