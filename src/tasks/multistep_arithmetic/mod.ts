/**
 * Multistep arithmetic: the task object and its building blocks.
 *
 * @module
 */
export * from "./answer.js";
export * from "./compact.js";
export * from "./critique.js";
export * from "./expression.js";
export * from "./generate.js";
export * from "./improve.js";
export * from "./multistep_arithmetic.js";
export * from "./rationale.js";
export * from "./solve.js";
