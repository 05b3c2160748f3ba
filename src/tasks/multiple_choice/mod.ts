/**
 * What the multiple-choice tasks (date understanding, logical deduction) share: options, the
 * chosen letter, and the comparison with the gold letter.
 *
 * @module
 */
export * from "./answer.js";
export * from "./options.js";
export * from "./input_only.js";
