/**
 * The TriPosT tasks: generators, loaders, gold solvers, formats, scripted experts.
 *
 * @module
 */
export * from "./buckets.js";
export * from "./feedback.js";
export * from "./loaders.js";
export * from "./registry.js";
export * from "./steps.js";
export * from "./task.js";
export * from "./trajectory_format.js";
export { multistepArithmetic } from "./multistep_arithmetic/mod.js";
export { wordSorting } from "./word_sorting/mod.js";
export { dateUnderstanding } from "./date_understanding/mod.js";
export { logicalDeduction, LOGICAL_DEDUCTION_INFO } from "./logical_deduction/mod.js";
