/**
 * Our own few-shot examples of the LLM expert for word sorting: four wrong attempts in the
 * official rationale format (a wrong letter value, a wrong ordering of groups, a wrong "Hence"
 * line inside a subpart, a final response that does not match the last step), each with its
 * earliest error and the corrected attempt.
 *
 * @module
 */
import type { ExpertExample } from "../expert_example.js";

const HEAD = "Sort the following words alphabetically:\nList: ";

/** Four wrong word sorting attempts with their earliest errors and corrections. */
export const WORD_SORTING_EXAMPLES: readonly ExpertExample[] = [
  {
    question: `${HEAD}plum brisk pelican anvil`,
    attempt: [
      '(1) The first letter: "plum"="p" (16), "brisk"="b" (2), "pelican"="p" (16), "anvil"="a" (1).',
      '(2) We now have: (1) "anvil" < (2) "brisk" < (16) ["plum" ? "pelican"].',
      '(3) Now sort this subpart ["plum" ? "pelican"] by looking at their second letters: "plum"="l" (12), "pelican"="e" (15).',
      '(3.1) We now have: (12) "plum" < (15) "pelican".',
      '(3.2) Hence, we have "plum" < "pelican".',
      '(4) Hence, we have "anvil" < "brisk" < "plum" < "pelican".',
      "(Final response) So the answer is: anvil brisk plum pelican.",
    ].join("\n"),
    errorStep: "3",
    errorSegment: '"pelican"="e" (15)',
    errorReason: 'The letter "e" is the 5th letter of the alphabet, so its value is 5, not 15',
    updated: [
      '(1) The first letter: "plum"="p" (16), "brisk"="b" (2), "pelican"="p" (16), "anvil"="a" (1).',
      '(2) We now have: (1) "anvil" < (2) "brisk" < (16) ["plum" ? "pelican"].',
      '(3) Now sort this subpart ["plum" ? "pelican"] by looking at their second letters: "plum"="l" (12), "pelican"="e" (5).',
      '(3.1) We now have: (5) "pelican" < (12) "plum".',
      '(3.2) Hence, we have "pelican" < "plum".',
      '(4) Hence, we have "anvil" < "brisk" < "pelican" < "plum".',
      "(Final response) So the answer is: anvil brisk pelican plum.",
    ].join("\n"),
  },
  {
    question: `${HEAD}mortar quilt maple fennel`,
    attempt: [
      '(1) The first letter: "mortar"="m" (13), "quilt"="q" (17), "maple"="m" (13), "fennel"="f" (6).',
      '(2) We now have: (13) ["mortar" ? "maple"] < (6) "fennel" < (17) "quilt".',
      '(3) Now sort this subpart ["mortar" ? "maple"] by looking at their second letters: "mortar"="o" (15), "maple"="a" (1).',
      '(3.1) We now have: (1) "maple" < (15) "mortar".',
      '(3.2) Hence, we have "maple" < "mortar".',
      '(4) Hence, we have "maple" < "mortar" < "fennel" < "quilt".',
      "(Final response) So the answer is: maple mortar fennel quilt.",
    ].join("\n"),
    errorStep: "2",
    errorSegment: '(13) ["mortar" ? "maple"] < (6) "fennel"',
    errorReason: 'The groups must be ordered by their values, and 6 is smaller than 13, so "fennel" comes first',
    updated: [
      '(1) The first letter: "mortar"="m" (13), "quilt"="q" (17), "maple"="m" (13), "fennel"="f" (6).',
      '(2) We now have: (6) "fennel" < (13) ["mortar" ? "maple"] < (17) "quilt".',
      '(3) Now sort this subpart ["mortar" ? "maple"] by looking at their second letters: "mortar"="o" (15), "maple"="a" (1).',
      '(3.1) We now have: (1) "maple" < (15) "mortar".',
      '(3.2) Hence, we have "maple" < "mortar".',
      '(4) Hence, we have "fennel" < "maple" < "mortar" < "quilt".',
      "(Final response) So the answer is: fennel maple mortar quilt.",
    ].join("\n"),
  },
  {
    question: `${HEAD}stove tundra sable bison`,
    attempt: [
      '(1) The first letter: "stove"="s" (19), "tundra"="t" (20), "sable"="s" (19), "bison"="b" (2).',
      '(2) We now have: (2) "bison" < (19) ["stove" ? "sable"] < (20) "tundra".',
      '(3) Now sort this subpart ["stove" ? "sable"] by looking at their second letters: "stove"="t" (20), "sable"="a" (1).',
      '(3.1) We now have: (1) "sable" < (20) "stove".',
      '(3.2) Hence, we have "stove" < "sable".',
      '(4) Hence, we have "bison" < "stove" < "sable" < "tundra".',
      "(Final response) So the answer is: bison stove sable tundra.",
    ].join("\n"),
    errorStep: "3.2",
    errorSegment: '"stove" < "sable"',
    errorReason: 'Step (3.1) puts "sable" (1) before "stove" (20), so the order is reversed',
    updated: [
      '(1) The first letter: "stove"="s" (19), "tundra"="t" (20), "sable"="s" (19), "bison"="b" (2).',
      '(2) We now have: (2) "bison" < (19) ["stove" ? "sable"] < (20) "tundra".',
      '(3) Now sort this subpart ["stove" ? "sable"] by looking at their second letters: "stove"="t" (20), "sable"="a" (1).',
      '(3.1) We now have: (1) "sable" < (20) "stove".',
      '(3.2) Hence, we have "sable" < "stove".',
      '(4) Hence, we have "bison" < "sable" < "stove" < "tundra".',
      "(Final response) So the answer is: bison sable stove tundra.",
    ].join("\n"),
  },
  {
    question: `${HEAD}cobalt cider echo gravel`,
    attempt: [
      '(1) The first letter: "cobalt"="c" (3), "cider"="c" (3), "echo"="e" (5), "gravel"="g" (7).',
      '(2) We now have: (3) ["cobalt" ? "cider"] < (5) "echo" < (7) "gravel".',
      '(3) Now sort this subpart ["cobalt" ? "cider"] by looking at their second letters: "cobalt"="o" (15), "cider"="i" (9).',
      '(3.1) We now have: (9) "cider" < (15) "cobalt".',
      '(3.2) Hence, we have "cider" < "cobalt".',
      '(4) Hence, we have "cider" < "cobalt" < "echo" < "gravel".',
      "(Final response) So the answer is: cider cobalt gravel echo.",
    ].join("\n"),
    errorStep: "Final response",
    errorSegment: "cider cobalt gravel echo",
    errorReason: 'The final response must follow step (4), where "echo" comes before "gravel"',
    updated: [
      '(1) The first letter: "cobalt"="c" (3), "cider"="c" (3), "echo"="e" (5), "gravel"="g" (7).',
      '(2) We now have: (3) ["cobalt" ? "cider"] < (5) "echo" < (7) "gravel".',
      '(3) Now sort this subpart ["cobalt" ? "cider"] by looking at their second letters: "cobalt"="o" (15), "cider"="i" (9).',
      '(3.1) We now have: (9) "cider" < (15) "cobalt".',
      '(3.2) Hence, we have "cider" < "cobalt".',
      '(4) Hence, we have "cider" < "cobalt" < "echo" < "gravel".',
      "(Final response) So the answer is: cider cobalt echo gravel.",
    ].join("\n"),
  },
];
