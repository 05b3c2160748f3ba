/**
 * Date understanding: the task object and its building blocks.
 *
 * @module
 */
export * from "./answer.js";
export * from "./date_understanding.js";
export * from "./dates.js";
