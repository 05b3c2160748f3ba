/**
 * Word sorting: the task object and its building blocks (generator, gold solver, rationale
 * parser and renderer, scripted FBK and IMP, answer checks, compact format, word list).
 *
 * @module
 */
export * from "./word_sorting.js";
export * from "./generate.js";
export * from "./solve.js";
export * from "./rationale.js";
export * from "./critique.js";
export * from "./improve.js";
export * from "./answer.js";
export * from "./compact.js";
export * from "./word_list.js";
