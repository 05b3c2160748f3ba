/**
 * LLM experts: FBK and IMP as few-shot prompts to an OpenAI-compatible model (`tripost.md` §5.2).
 *
 * @module
 */
export * from "./expert_example.js";
export * from "./expert_prompts.js";
export * from "./llm_expert.js";
export * from "./tabular_feedback.js";
export * from "./prompts/mod.js";
