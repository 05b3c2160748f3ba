import type { Observable } from "rxjs";
import type { ModelRequest, ModelResponse } from "../codecs/model_call.js";

/**
 * The Model port: a request in, a cold Observable of one response out. Subscribing starts the
 * call; unsubscribing before it ends aborts it (the HTTP request, or the embedded student's
 * decoding). Every model — an OpenAI-compatible server, a replayed cassette, the embedded
 * student — is reached through this one type.
 */
export type Model = (request: ModelRequest) => Observable<ModelResponse>;
