/**
 * The run directory: its layout, atomic and decoded file work, resumable steps, the journals of
 * collections, collections written as they run, and the TriPosT loop over a run directory.
 *
 * @module
 */
export * from "./collection.js";
export * from "./collection_journals.js";
export * from "./files.js";
export * from "./layout.js";
export * from "./resumable.js";
export * from "./run_tripost.js";
export * from "./external_trainer.js";
