/**
 * The embedded student: a tiny character-level transformer trained from scratch, its trainer, sampler and server.
 *
 * @module
 */
export * from "./checkpoint.js";
export * from "./config.js";
export * from "./micro_batcher.js";
export * from "./model.js";
export * from "./pretrain.js";
export * from "./sampler.js";
export * from "./schedule.js";
export * from "./student_model.js";
export * from "./tfjs.js";
export * from "./tokenizer.js";
export * from "./trainer.js";
export * from "./worker.js";
export * from "./serve.js";
