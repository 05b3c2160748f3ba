/** A scripted fake Model for the LLM expert tests: it records each request and answers in turn. */
import { defer, type Observable, of, throwError } from "rxjs";
import type { ModelRequest, ModelResponse } from "../../src/codecs/model_call.js";
import type { Model } from "../../src/models/model.js";

/** A fake model and the requests it received. */
export interface FakeModel {
  readonly model: Model;
  readonly requests: ModelRequest[];
}

/** Answers the n-th call with `answers[n]` (a text, or a function of the request); more calls fail. */
export function fakeModel(answers: ReadonlyArray<string | ((request: ModelRequest) => string)>): FakeModel {
  const requests: ModelRequest[] = [];
  const model = (request: ModelRequest): Observable<ModelResponse> =>
    defer(() => {
      const answer = answers[requests.length];
      requests.push(request);
      if (answer === undefined) return throwError(() => new Error(`unexpected model call ${requests.length}`));
      const text = typeof answer === "string" ? answer : answer(request);
      return of({ choices: [{ text, finishReason: "stop" }], usage: { promptTokens: 100, completionTokens: 20 } });
    });
  return { model, requests };
}

/** A model that fails the test when called. */
export const silentModel: Model = () => throwError(() => new Error("the model must not be called"));

/** The prompt text of a request (the raw prompt, or the chat user message). */
export function promptOf(request: ModelRequest | undefined): string {
  if (request === undefined) return "";
  return "prompt" in request ? request.prompt : request.messages.map((message) => message.content).join("\n");
}
