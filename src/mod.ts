/**
 * `tripost`: TriPosT (Yu et al., NAACL 2024) as a library — typed records, tasks with scripted
 * experts, model endpoints, the embedded student, and the stages of the loop as rxjs operators.
 *
 * @module
 */
export * from "./codecs/mod.js";
export * from "./tasks/mod.js";
export * from "./streams/mod.js";
export * from "./models/mod.js";
export * from "./stages/mod.js";
export * from "./runs/mod.js";
export * from "./errors.js";
export * from "./util/prng.js";
export * from "./exports/mod.js";
export * from "./experts/mod.js";
export * from "./report/mod.js";
