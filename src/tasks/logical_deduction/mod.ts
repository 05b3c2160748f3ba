/**
 * Logical deduction: the task object and its building blocks.
 *
 * @module
 */
export * from "./answer.js";
export * from "./logical_deduction.js";
