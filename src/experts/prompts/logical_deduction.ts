/**
 * Our own few-shot examples of the LLM expert for logical deduction: four wrong attempts in the
 * official rationale format (orderings with `??` and `?`): a misread ordering, a statement encoded
 * backwards, a combination that breaks a position, and a final response that contradicts the last
 * step. Each has its earliest error and the corrected attempt.
 *
 * @module
 */
import type { ExpertExample } from "../expert_example.js";

const THREE = "The following paragraphs each describe a set of three objects arranged in a fixed order. " +
  "The statements are logically consistent within each paragraph.";
const FIVE = "The following paragraphs each describe a set of five objects arranged in a fixed order. " +
  "The statements are logically consistent within each paragraph.";

/** Four wrong logical deduction attempts with their earliest errors and corrections. */
export const LOGICAL_DEDUCTION_EXAMPLES: readonly ExpertExample[] = [
  {
    question: [
      `${THREE} On a desk, there are three mugs: a red mug, a green mug, and a white mug. The white mug is to the left of the red mug. The green mug is the rightmost.`,
      "Options:",
      "(A) The red mug is the leftmost.",
      "(B) The green mug is the leftmost.",
      "(C) The white mug is the leftmost.",
    ].join("\n"),
    attempt: [
      '(1) The white mug is to the left of the red mug: "(left) ?? white mug ?? red mug ?? (right)".',
      '(2) The green mug is the rightmost: "(left) ?? green mug (right)".',
      "(3) There are in total three mugs: a red mug, a green mug, and a white mug.",
      '(4) Combining (1) and (2) we get the following ordering: "(left) ?? white mug ?? red mug ?? green mug (right)".',
      '(5) Combining (3) and (4) we get the following ordering: "(left) white mug red mug green mug (right)".',
      "(6) According to this ordering, the mug that is the leftmost is the red mug.",
      "(Final response) The red mug is the leftmost. So the answer is (A).",
    ].join("\n"),
    errorStep: "6",
    errorSegment: "the mug that is the leftmost is the red mug",
    errorReason: "In the ordering of step (5) the first mug from the left is the white mug, not the red mug",
    updated: [
      '(1) The white mug is to the left of the red mug: "(left) ?? white mug ?? red mug ?? (right)".',
      '(2) The green mug is the rightmost: "(left) ?? green mug (right)".',
      "(3) There are in total three mugs: a red mug, a green mug, and a white mug.",
      '(4) Combining (1) and (2) we get the following ordering: "(left) ?? white mug ?? red mug ?? green mug (right)".',
      '(5) Combining (3) and (4) we get the following ordering: "(left) white mug red mug green mug (right)".',
      "(6) According to this ordering, the mug that is the leftmost is the white mug.",
      "(Final response) The white mug is the leftmost. So the answer is (C).",
    ].join("\n"),
  },
  {
    question: [
      `${FIVE} In a race, there were five runners: Ana, Ben, Cal, Dee, and Eli. Ben finished third. Ana finished above Ben. Eli finished last. Cal finished below Dee. Ana finished below Dee.`,
      "Options:",
      "(A) Ana finished second.",
      "(B) Ben finished second.",
      "(C) Cal finished second.",
      "(D) Dee finished second.",
      "(E) Eli finished second.",
    ].join("\n"),
    attempt: [
      '(1) Ben finished third: "(above) ? ? Ben ?? (below)".',
      '(2) Ana finished above Ben: "(above) ?? Ben ?? Ana ?? (below)".',
      '(3) Eli finished last: "(above) ?? Eli (below)".',
      '(4) Cal finished below Dee: "(above) ?? Dee ?? Cal ?? (below)".',
      '(5) Ana finished below Dee: "(above) ?? Dee ?? Ana ?? (below)".',
      "(6) There are in total five runners: Ana, Ben, Cal, Dee, and Eli.",
      '(7) Combining (1), (2) and (3) we get the following ordering: "(above) ? ? Ben Ana Eli (below)".',
      '(8) Combining (4), (5) and (7) we get the following ordering: "(above) Dee Cal Ben Ana Eli (below)".',
      "(9) According to this ordering, the runner that finished second is Cal.",
      "(Final response) Cal finished second. So the answer is (C).",
    ].join("\n"),
    errorStep: "2",
    errorSegment: "(above) ?? Ben ?? Ana ?? (below)",
    errorReason: "Ana finished above Ben, so Ana must come before Ben in an ordering that goes from above to below",
    updated: [
      '(1) Ben finished third: "(above) ? ? Ben ?? (below)".',
      '(2) Ana finished above Ben: "(above) ?? Ana ?? Ben ?? (below)".',
      '(3) Eli finished last: "(above) ?? Eli (below)".',
      '(4) Cal finished below Dee: "(above) ?? Dee ?? Cal ?? (below)".',
      '(5) Ana finished below Dee: "(above) ?? Dee ?? Ana ?? (below)".',
      "(6) There are in total five runners: Ana, Ben, Cal, Dee, and Eli.",
      '(7) Combining (1), (2) and (5) we get the following ordering: "(above) Dee Ana Ben ?? (below)".',
      '(8) Combining (3), (4) and (7) we get the following ordering: "(above) Dee Ana Ben Cal Eli (below)".',
      "(9) According to this ordering, the runner that finished second is Ana.",
      "(Final response) Ana finished second. So the answer is (A).",
    ].join("\n"),
  },
  {
    question: [
      `${THREE} A shelf holds three books: a novel, an atlas, and a diary. The atlas is the second from the right. The diary is to the right of the novel.`,
      "Options:",
      "(A) The novel is the rightmost.",
      "(B) The atlas is the rightmost.",
      "(C) The diary is the rightmost.",
    ].join("\n"),
    attempt: [
      '(1) The atlas is the second from the right: "(left) ?? atlas ? (right)".',
      '(2) The diary is to the right of the novel: "(left) ?? novel ?? diary ?? (right)".',
      "(3) There are in total three books: a novel, an atlas, and a diary.",
      '(4) Combining (1), (2) and (3) we get the following ordering: "(left) novel diary atlas (right)".',
      "(5) According to this ordering, the book that is the rightmost is the atlas.",
      "(Final response) The atlas is the rightmost. So the answer is (B).",
    ].join("\n"),
    errorStep: "4",
    errorSegment: "(left) novel diary atlas (right)",
    errorReason: "Step (1) puts exactly one book to the right of the atlas, so the atlas is in the middle and the diary is on its right",
    updated: [
      '(1) The atlas is the second from the right: "(left) ?? atlas ? (right)".',
      '(2) The diary is to the right of the novel: "(left) ?? novel ?? diary ?? (right)".',
      "(3) There are in total three books: a novel, an atlas, and a diary.",
      '(4) Combining (1), (2) and (3) we get the following ordering: "(left) novel atlas diary (right)".',
      "(5) According to this ordering, the book that is the rightmost is the diary.",
      "(Final response) The diary is the rightmost. So the answer is (C).",
    ].join("\n"),
  },
  {
    question: [
      `${FIVE} A fruit stand sells five fruits: figs, limes, pears, dates, and melons. The melons are the most expensive. The figs are cheaper than the limes. The dates are the third-most expensive. The pears are cheaper than the figs.`,
      "Options:",
      "(A) The figs are the cheapest.",
      "(B) The limes are the cheapest.",
      "(C) The pears are the cheapest.",
      "(D) The dates are the cheapest.",
      "(E) The melons are the cheapest.",
    ].join("\n"),
    attempt: [
      '(1) The melons are the most expensive: "(most expensive) melons ?? (least expensive)".',
      '(2) The figs are cheaper than the limes: "(most expensive) ?? limes ?? figs ?? (least expensive)".',
      '(3) The dates are the third-most expensive: "(most expensive) ? ? dates ?? (least expensive)".',
      '(4) The pears are cheaper than the figs: "(most expensive) ?? figs ?? pears ?? (least expensive)".',
      "(5) There are in total five fruits: figs, limes, pears, dates, and melons.",
      '(6) Combining (2) and (4) we get the following ordering: "(most expensive) ?? limes ?? figs ?? pears ?? (least expensive)".',
      '(7) Combining (1), (3), (5) and (6) we get the following ordering: "(most expensive) melons limes dates figs pears (least expensive)".',
      "(8) According to this ordering, the fruit that is the cheapest is the pears.",
      "(Final response) The figs are the cheapest. So the answer is (A).",
    ].join("\n"),
    errorStep: "Final response",
    errorSegment: "The figs are the cheapest. So the answer is (A)",
    errorReason: "Step (8) finds that the pears are the cheapest, which is option (C)",
    updated: [
      '(1) The melons are the most expensive: "(most expensive) melons ?? (least expensive)".',
      '(2) The figs are cheaper than the limes: "(most expensive) ?? limes ?? figs ?? (least expensive)".',
      '(3) The dates are the third-most expensive: "(most expensive) ? ? dates ?? (least expensive)".',
      '(4) The pears are cheaper than the figs: "(most expensive) ?? figs ?? pears ?? (least expensive)".',
      "(5) There are in total five fruits: figs, limes, pears, dates, and melons.",
      '(6) Combining (2) and (4) we get the following ordering: "(most expensive) ?? limes ?? figs ?? pears ?? (least expensive)".',
      '(7) Combining (1), (3), (5) and (6) we get the following ordering: "(most expensive) melons limes dates figs pears (least expensive)".',
      "(8) According to this ordering, the fruit that is the cheapest is the pears.",
      "(Final response) The pears are the cheapest. So the answer is (C).",
    ].join("\n"),
  },
];
