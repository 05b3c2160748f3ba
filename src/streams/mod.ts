/**
 * Domain-free observable plumbing: the demand-driven source, JSONL I/O, order restoration, retries, the endpoint limiter, the crash-safe journal.
 *
 * @module
 */
export * from "./canonical_json.js";
export * from "./demand_source.js";
export * from "./journal.js";
export * from "./limit_endpoint.js";
export * from "./read_jsonl.js";
export * from "./reorder.js";
export * from "./retry_transient.js";
export * from "./write_jsonl.js";
