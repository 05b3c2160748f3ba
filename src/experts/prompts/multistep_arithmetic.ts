/**
 * Our own few-shot examples of the LLM expert for multistep arithmetic: four wrong attempts in the
 * official rationale format (a calculation error, an order-of-operations error, an error in the
 * final equation, a final response that does not match the last step), each with its earliest
 * error and the corrected attempt.
 *
 * @module
 */
import type { ExpertExample } from "../expert_example.js";

/** Four wrong multistep arithmetic attempts with their earliest errors and corrections. */
export const MULTISTEP_ARITHMETIC_EXAMPLES: readonly ExpertExample[] = [
  {
    question: "((7 - -2 * 3) - (4 * -5 + 6)) =",
    attempt: [
      '(1) This equation can be written as "(A - B)", where A = (7 - -2 * 3) and B = (4 * -5 + 6).',
      "(2) Let's calculate A = (7 - -2 * 3) = (7 - (-2 * 3)) = (7 - -6) = 1.",
      "(3) Let's calculate B = (4 * -5 + 6) = ((4 * -5) + 6) = (-20 + 6) = -14.",
      "(4) Then, the final equation is (A - B) = (1 - -14) = 15.",
      "(Final response) So the answer is 15.",
    ].join("\n"),
    errorStep: "2",
    errorSegment: "(7 - -6) = 1",
    errorReason: "There is a calculation error, since subtracting -6 from 7 gives 13, not 1",
    updated: [
      '(1) This equation can be written as "(A - B)", where A = (7 - -2 * 3) and B = (4 * -5 + 6).',
      "(2) Let's calculate A = (7 - -2 * 3) = (7 - (-2 * 3)) = (7 - -6) = 13.",
      "(3) Let's calculate B = (4 * -5 + 6) = ((4 * -5) + 6) = (-20 + 6) = -14.",
      "(4) Then, the final equation is (A - B) = (13 - -14) = 27.",
      "(Final response) So the answer is 27.",
    ].join("\n"),
  },
  {
    question: "((-8 + 3 - 9) * (2 - 6 * -1)) =",
    attempt: [
      '(1) This equation can be written as "(A * B)", where A = (-8 + 3 - 9) and B = (2 - 6 * -1).',
      "(2) Let's calculate A = (-8 + 3 - 9) = ((-8 + 3) - 9) = (-5 - 9) = -14.",
      "(3) Let's calculate B = (2 - 6 * -1) = ((2 - 6) * -1) = (-4 * -1) = 4.",
      "(4) Then, the final equation is (A * B) = (-14 * 4) = -56.",
      "(Final response) So the answer is -56.",
    ].join("\n"),
    errorStep: "3",
    errorSegment: "(2 - 6 * -1) = ((2 - 6) * -1)",
    errorReason: "Multiplication comes before subtraction, so (2 - 6 * -1) must be grouped as (2 - (6 * -1))",
    updated: [
      '(1) This equation can be written as "(A * B)", where A = (-8 + 3 - 9) and B = (2 - 6 * -1).',
      "(2) Let's calculate A = (-8 + 3 - 9) = ((-8 + 3) - 9) = (-5 - 9) = -14.",
      "(3) Let's calculate B = (2 - 6 * -1) = (2 - (6 * -1)) = (2 - -6) = 8.",
      "(4) Then, the final equation is (A * B) = (-14 * 8) = -112.",
      "(Final response) So the answer is -112.",
    ].join("\n"),
  },
  {
    question: "((5 * -3 - -4) + (9 - 2 * 7)) =",
    attempt: [
      '(1) This equation can be written as "(A + B)", where A = (5 * -3 - -4) and B = (9 - 2 * 7).',
      "(2) Let's calculate A = (5 * -3 - -4) = ((5 * -3) - -4) = (-15 - -4) = -11.",
      "(3) Let's calculate B = (9 - 2 * 7) = (9 - (2 * 7)) = (9 - 14) = -5.",
      "(4) Then, the final equation is (A + B) = (-11 + -5) = -6.",
      "(Final response) So the answer is -6.",
    ].join("\n"),
    errorStep: "4",
    errorSegment: "(-11 + -5) = -6",
    errorReason: "There is a calculation error, since the sum of two negative numbers -11 and -5 is -16",
    updated: [
      '(1) This equation can be written as "(A + B)", where A = (5 * -3 - -4) and B = (9 - 2 * 7).',
      "(2) Let's calculate A = (5 * -3 - -4) = ((5 * -3) - -4) = (-15 - -4) = -11.",
      "(3) Let's calculate B = (9 - 2 * 7) = (9 - (2 * 7)) = (9 - 14) = -5.",
      "(4) Then, the final equation is (A + B) = (-11 + -5) = -16.",
      "(Final response) So the answer is -16.",
    ].join("\n"),
  },
  {
    question: "((-6 - 4 + 1) - (3 * 3 - -8)) =",
    attempt: [
      '(1) This equation can be written as "(A - B)", where A = (-6 - 4 + 1) and B = (3 * 3 - -8).',
      "(2) Let's calculate A = (-6 - 4 + 1) = ((-6 - 4) + 1) = (-10 + 1) = -9.",
      "(3) Let's calculate B = (3 * 3 - -8) = ((3 * 3) - -8) = (9 - -8) = 17.",
      "(4) Then, the final equation is (A - B) = (-9 - 17) = -26.",
      "(Final response) So the answer is 26.",
    ].join("\n"),
    errorStep: "Final response",
    errorSegment: "So the answer is 26",
    errorReason: "The final response must repeat the result of step (4), which is -26",
    updated: [
      '(1) This equation can be written as "(A - B)", where A = (-6 - 4 + 1) and B = (3 * 3 - -8).',
      "(2) Let's calculate A = (-6 - 4 + 1) = ((-6 - 4) + 1) = (-10 + 1) = -9.",
      "(3) Let's calculate B = (3 * 3 - -8) = ((3 * 3) - -8) = (9 - -8) = 17.",
      "(4) Then, the final equation is (A - B) = (-9 - 17) = -26.",
      "(Final response) So the answer is -26.",
    ].join("\n"),
  },
];
