import * as t from "io-ts";
import { ModelRequest, ModelResponse } from "./model_call.js";

/**
 * One recorded model call, one JSONL line of a cassette: the call's key (SHA-256 hex of the
 * canonical JSON of `{ request, sample }`), its sample index, the request as sent to the Model
 * port (no API key, no headers: the request has no field for them) and the response.
 */
export const CassetteEntry = t.exact(
  t.type({ key: t.string, sample: t.number, request: ModelRequest, response: ModelResponse }),
  "CassetteEntry",
);
export type CassetteEntry = t.TypeOf<typeof CassetteEntry>;
