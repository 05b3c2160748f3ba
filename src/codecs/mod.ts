/**
 * io-ts codecs for every record that crosses an edge of `tripost`, with their static types.
 *
 * @module
 */
export * from "./decode.js";
export * from "./problem.js";
export * from "./attempt.js";
export * from "./critique.js";
export * from "./trajectory.js";
export * from "./training_example.js";
export * from "./rejection.js";
export * from "./model_call.js";
export * from "./cassette_entry.js";
export * from "./journal_entry.js";
export * from "./config.js";
export * from "./openai_wire.js";
export * from "./prediction.js";
export * from "./metrics.js";
