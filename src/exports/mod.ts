/**
 * Training-data exports for other trainers (`contract.md`, `tripost export`): the official
 * TriPosT rows, OpenAI chat JSONL, TRL prompt–completion JSONL, and exact weight spans.
 *
 * @module
 */
export type { ExportError, ExportTextFormat } from "./_split.js";
export * from "./to_openai_chat.js";
export * from "./to_spans_row.js";
export * from "./to_tripost_row.js";
export * from "./to_trl_row.js";
