/**
 * Our own few-shot examples of the LLM expert, one list per task.
 *
 * @module
 */
export * from "./date_understanding.js";
export * from "./logical_deduction.js";
export * from "./multistep_arithmetic.js";
export * from "./word_sorting.js";
