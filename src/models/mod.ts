/**
 * The Model port and its adapters: OpenAI-compatible HTTP over undici, an endpoint pool, record
 * and strict replay, the journal, and (under `./student/`) the embedded student.
 *
 * @module
 */
export * from "./model.js";
export * from "./errors.js";
export * from "./http_model.js";
export * from "./endpoint_pool.js";
export * from "./cassette.js";
export * from "./journaled_model.js";
export * from "./usage_meter.js";
export * from "./vllm_lora.js";
export * from "./student/mod.js";
