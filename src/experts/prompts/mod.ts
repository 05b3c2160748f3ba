/**
 * Our own few-shot examples of the LLM expert, one list per task.
 *
 * @module
 */
export * from "./multistep_arithmetic.js";
export * from "./word_sorting.js";
