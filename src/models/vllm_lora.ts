/**
 * Loading a LoRA adapter into a running vLLM server (`protocols.md` a, "vLLM dynamic LoRA"):
 * `POST {base}/load_lora_adapter` with `{lora_name, lora_path, load_inplace}` and
 * `POST {base}/unload_lora_adapter` with `{lora_name}`. The server must run with
 * `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True` and `--enable-lora`; without them the routes answer
 * 404, which {@linkcode loadLoraAdapter} says in its error. `lora_path` is read by the server
 * process, so it must be a PEFT directory the server can see.
 *
 * Every failure is a {@linkcode RunError} (exit code 1) naming the adapter, the path and the
 * server's own message; the API key never appears in one.
 *
 * @module
 */
import { request } from "undici";
import { ErrorBody, errorFields } from "../codecs/openai_wire.js";
import { RunError } from "../errors.js";

/** Options for {@linkcode loadLoraAdapter} and {@linkcode unloadLoraAdapter}. */
export interface VllmLoraOptions {
  /** The key sent as `Authorization: Bearer …` (vLLM's `--api-key`). */
  readonly apiKey?: string;
  /** Header and body timeout in milliseconds. @default {300000} */
  readonly timeoutMs?: number;
}

/** Options for {@linkcode loadLoraAdapter}. */
export interface LoadLoraAdapterOptions extends VllmLoraOptions {
  /** Replace an adapter already loaded under the name (vLLM's `load_inplace`). @default {true} */
  readonly inplace?: boolean;
}

/** What the server answered. */
export interface LoraAnswer {
  readonly status: number;
  /** The body as text (vLLM answers a plain sentence on success). */
  readonly text: string;
}

/** The base URL without trailing slashes; it ends in `/v1` (the student's spec). */
function endpointOf(baseUrl: string, route: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/${route}`;
}

/**
 * The server's message in an error body: vLLM's flat `{"message"}`, its wrapped
 * `{"error": {"message"}}`, FastAPI's `{"detail"}`, or the text itself.
 */
export function serverMessage(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    // OpenAI's and vLLM's shapes, read as the HTTP adapter reads them; then a bare message or detail.
    const decoded = ErrorBody.decode(body);
    if (decoded._tag === "Right") return errorFields(decoded.right).message;
    if (typeof body["message"] === "string") return body["message"];
    if (typeof body["detail"] === "string") return body["detail"];
  } catch {
    // not JSON: the text is the message
  }
  const trimmed = text.trim();
  return trimmed.length > 300 ? `${trimmed.slice(0, 297)}...` : trimmed;
}

function redacted(text: string, apiKey: string | undefined): string {
  return apiKey === undefined || apiKey === "" ? text : text.split(apiKey).join("[redacted]");
}

async function post(url: string, body: unknown, options: VllmLoraOptions, action: string): Promise<LoraAnswer> {
  const { apiKey, timeoutMs = 300_000 } = options;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (apiKey !== undefined && apiKey !== "") headers["authorization"] = `Bearer ${apiKey}`;
  try {
    const response = await request(url, {
      method: "POST",
      headers,
      body: JSON.stringify(body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: response.statusCode, text: await response.body.text() };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RunError(`Cannot ${action} as the server at ${url} did not answer: ${redacted(reason, apiKey)}`, { cause: error });
  }
}

function failure(action: string, url: string, answer: LoraAnswer, apiKey: string | undefined): RunError {
  const message = redacted(serverMessage(answer.text), apiKey);
  const hint = answer.status === 404
    ? " (is vLLM started with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True and --enable-lora?)"
    : answer.status === 401 || answer.status === 403
    ? " (check the student's 'apiKeyEnv')"
    : "";
  return new RunError(`Cannot ${action} as ${url} answered ${answer.status}: ${message}${hint}`);
}

function isAlreadyLoaded(answer: LoraAnswer): boolean {
  return answer.status === 400 && /already (been )?loaded|already exists/i.test(answer.text);
}

/**
 * Loads the adapter at `path` under `name`, replacing an adapter of that name (`load_inplace`).
 * A server that refuses an existing name although `load_inplace` was sent (vLLM versions before
 * in-place loading) gets the adapter unloaded and loaded again.
 *
 * @param baseUrl the server's OpenAI base URL, ending in `/v1`
 * @throws {RunError} when the server does not answer or answers an error
 *
 * @example Load the second iteration's adapter under the stable name
 * ```ts
 * await loadLoraAdapter("http://127.0.0.1:8000/v1", "tripost-student", "/runs/a/iteration-2/model");
 * ```
 */
export async function loadLoraAdapter(
  baseUrl: string,
  name: string,
  path: string,
  options: LoadLoraAdapterOptions = {},
): Promise<LoraAnswer> {
  const { inplace = true } = options;
  const url = endpointOf(baseUrl, "load_lora_adapter");
  const action = `load the LoRA adapter '${name}' from '${path}'`;
  const body = { lora_name: name, lora_path: path, load_inplace: inplace };
  let answer = await post(url, body, options, action);
  if (inplace && isAlreadyLoaded(answer)) {
    await unloadLoraAdapter(baseUrl, name, options);
    answer = await post(url, body, options, action);
  }
  if (answer.status < 200 || answer.status >= 300) throw failure(action, url, answer, options.apiKey);
  return answer;
}

/**
 * Unloads the adapter `name`.
 *
 * @throws {RunError} when the server does not answer or answers an error
 */
export async function unloadLoraAdapter(baseUrl: string, name: string, options: VllmLoraOptions = {}): Promise<LoraAnswer> {
  const url = endpointOf(baseUrl, "unload_lora_adapter");
  const action = `unload the LoRA adapter '${name}'`;
  const answer = await post(url, { lora_name: name }, options, action);
  if (answer.status < 200 || answer.status >= 300) throw failure(action, url, answer, options.apiKey);
  return answer;
}
