/**
 * The TriPosT stages as typed rxjs operators, and the loop that composes them.
 *
 * @module
 */
export * from "./baselines.js";
export * from "./collect.js";
export * from "./edit.js";
export * from "./example_id.js";
export * from "./expert.js";
export * from "./filter_trajectories.js";
export * from "./generate.js";
export * from "./rebalance.js";
export * from "./self_improve.js";
export * from "./split.js";
export * from "./when_right.js";
export * from "./evaluate.js";
export * from "./tripost_loop.js";
export * from "./shard.js";
