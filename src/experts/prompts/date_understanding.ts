/**
 * Our own few-shot examples of the LLM expert for date understanding: four wrong attempts in the
 * official rationale format (a month that is too short, a misread "yesterday", a wrong year that
 * carries through, a final response that picks the wrong letter), each with its earliest error
 * and the corrected attempt.
 *
 * @module
 */
import type { ExpertExample } from "../expert_example.js";

/** Four wrong date understanding attempts with their earliest errors and corrections. */
export const DATE_UNDERSTANDING_EXAMPLES: readonly ExpertExample[] = [
  {
    question: [
      "Lena's birthday is on 02/27/2003, and her party is three days after her birthday. What is the date of the party in MM/DD/YYYY?",
      "Options:",
      "(A) 03/02/2003",
      "(B) 02/30/2003",
      "(C) 03/01/2003",
      "(D) 03/03/2003",
      "(E) 02/24/2003",
      "(F) 03/02/2004",
    ].join("\n"),
    attempt: [
      "(1) Lena's birthday is 02/27/2003.",
      "(2) Three days after 02/27/2003 is 02/30/2003.",
      "(Final response) So the answer is (B).",
    ].join("\n"),
    errorStep: "2",
    errorSegment: "Three days after 02/27/2003 is 02/30/2003",
    errorReason: "February 2003 has only 28 days, so three days after 02/27/2003 is 03/02/2003",
    updated: [
      "(1) Lena's birthday is 02/27/2003.",
      "(2) February 2003 has 28 days, so three days after 02/27/2003 is 03/02/2003.",
      "(Final response) So the answer is (A).",
    ].join("\n"),
  },
  {
    question: [
      "The concert was held yesterday, on Oct 31, 2014. What is the date one week from today in MM/DD/YYYY?",
      "Options:",
      "(A) 11/07/2014",
      "(B) 11/08/2014",
      "(C) 11/01/2014",
      "(D) 10/24/2014",
      "(E) 11/08/2015",
      "(F) 12/08/2014",
    ].join("\n"),
    attempt: [
      "(1) If the concert was yesterday, on Oct 31, 2014, then today is Oct 31, 2014.",
      "(2) One week from today is Nov 7, 2014, that is 11/07/2014.",
      "(Final response) So the answer is (A).",
    ].join("\n"),
    errorStep: "1",
    errorSegment: "then today is Oct 31, 2014",
    errorReason: "The concert was yesterday, so today is the day after Oct 31, 2014, which is Nov 1, 2014",
    updated: [
      "(1) If the concert was yesterday, on Oct 31, 2014, then today is Nov 1, 2014.",
      "(2) One week from today is Nov 8, 2014, that is 11/08/2014.",
      "(Final response) So the answer is (B).",
    ].join("\n"),
  },
  {
    question: [
      "Sam was born on 12/30/1999, and today is his 21st birthday. What is the date 10 days ago in MM/DD/YYYY?",
      "Options:",
      "(A) 12/20/2020",
      "(B) 12/20/2019",
      "(C) 12/21/2020",
      "(D) 01/09/2021",
      "(E) 12/10/2020",
      "(F) 11/20/2020",
    ].join("\n"),
    attempt: [
      "(1) Sam was born on 12/30/1999, so his 21st birthday is 12/30/2019.",
      "(2) Today is his 21st birthday, so today is 12/30/2019.",
      "(3) 10 days ago from today is 12/20/2019.",
      "(Final response) So the answer is (B).",
    ].join("\n"),
    errorStep: "1",
    errorSegment: "his 21st birthday is 12/30/2019",
    errorReason: "Adding 21 years to 1999 gives 2020, so his 21st birthday is 12/30/2020",
    updated: [
      "(1) Sam was born on 12/30/1999, so his 21st birthday is 12/30/2020.",
      "(2) Today is his 21st birthday, so today is 12/30/2020.",
      "(3) 10 days ago from today is 12/20/2020.",
      "(Final response) So the answer is (A).",
    ].join("\n"),
  },
  {
    question: [
      "Today is the last day of the first quarter of 2021. What is the date 24 hours later in MM/DD/YYYY?",
      "Options:",
      "(A) 03/31/2021",
      "(B) 04/01/2021",
      "(C) 04/02/2021",
      "(D) 01/01/2021",
      "(E) 04/01/2020",
      "(F) 03/30/2021",
    ].join("\n"),
    attempt: [
      "(1) The first quarter of 2021 ends with March, so today is March 31, 2021.",
      "(2) 24 hours later is April 1, 2021, that is 04/01/2021.",
      "(Final response) So the answer is (E).",
    ].join("\n"),
    errorStep: "Final response",
    errorSegment: "So the answer is (E)",
    errorReason: "Step (2) gives 04/01/2021, which is option (B), while option (E) is a date in 2020",
    updated: [
      "(1) The first quarter of 2021 ends with March, so today is March 31, 2021.",
      "(2) 24 hours later is April 1, 2021, that is 04/01/2021.",
      "(Final response) So the answer is (B).",
    ].join("\n"),
  },
];
