/**
 * A small, safe integer expression language for multistep arithmetic: integer literals, binary
 * `+ - *`, unary minus (and plus), and parentheses, with the usual precedence (unary binds
 * tighter than `*`, which binds tighter than `+ -`; binary operators associate to the left).
 *
 * It stands in for Python's `eval` in the official verifier and solver. Differences from Python:
 * only the grammar above is accepted (no `/`, `**`, floats, names or calls); such text is simply
 * "invalid", which the verifier reports as an invalid equation. Integer literals follow Python's
 * rule that a decimal literal may not have leading zeros (`07` is invalid, `00` is fine).
 * Arithmetic is exact: numbers while they stay safe integers, `bigint` beyond that.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { ParseError } from "../task.js";

/** An exact integer: a safe-integer `number`, or a `bigint` when it does not fit one. */
export type Value = number | bigint;

/** A binary operator of the task. */
export type Operator = "+" | "-" | "*";

/**
 * A parsed expression. `num` keeps the literal as written (a negative literal such as `-3` is one
 * `num`); `neg`/`pos` are unary signs applied to anything else (`- 3`, `--3`, `-(1 + 2)`).
 */
export type Expression =
  | { readonly kind: "num"; readonly text: string }
  | { readonly kind: "neg"; readonly operand: Expression }
  | { readonly kind: "pos"; readonly operand: Expression }
  | { readonly kind: "bin"; readonly op: Operator; readonly left: Expression; readonly right: Expression };

/** Whether two exact integers are equal. */
export function sameValue(a: Value, b: Value): boolean {
  if (typeof a === "number" && typeof b === "number") return a === b;
  return BigInt(a) === BigInt(b);
}

/** An exact integer from its decimal text (`-12`, `+7`), or `undefined`. */
export function parseInteger(text: string): Value | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}
const INTEGER = /^[+-]?\d+$/;

// ---------------------------------------------------------------------------------------------
// Direct evaluation (the verifier's hot path): a recursive-descent evaluator over the text,
// without building a tree and without allocating per character.

const CODE_0 = 48;
const CODE_9 = 57;
const CODE_SPACE = 32;
const CODE_TAB = 9;
const CODE_PLUS = 43;
const CODE_MINUS = 45;
const CODE_STAR = 42;
const CODE_OPEN = 40;
const CODE_CLOSE = 41;

class Evaluator {
  text = "";
  at = 0;
  big = false;
  overflow = false;
  failed = false;

  run(text: string, big: boolean): Value | undefined {
    this.text = text;
    this.at = 0;
    this.big = big;
    this.overflow = false;
    this.failed = false;
    const value = this.sum();
    this.skip();
    if (this.failed || this.at !== text.length) return undefined;
    return value;
  }

  skip(): void {
    const text = this.text;
    while (this.at < text.length) {
      const code = text.charCodeAt(this.at);
      if (code !== CODE_SPACE && code !== CODE_TAB) break;
      this.at++;
    }
  }

  sum(): Value {
    let value = this.product();
    for (;;) {
      if (this.failed) return 0;
      this.skip();
      const code = this.text.charCodeAt(this.at);
      if (code !== CODE_PLUS && code !== CODE_MINUS) return value;
      this.at++;
      const right = this.product();
      value = this.combine(code === CODE_PLUS ? "+" : "-", value, right);
    }
  }

  product(): Value {
    let value = this.unary();
    for (;;) {
      if (this.failed) return 0;
      this.skip();
      if (this.text.charCodeAt(this.at) !== CODE_STAR) return value;
      this.at++;
      // Python's `**` is outside the grammar.
      if (this.text.charCodeAt(this.at) === CODE_STAR) {
        this.failed = true;
        return 0;
      }
      const right = this.unary();
      value = this.combine("*", value, right);
    }
  }

  unary(): Value {
    this.skip();
    const code = this.text.charCodeAt(this.at);
    if (code === CODE_MINUS) {
      this.at++;
      const operand = this.unary();
      if (this.big) return -BigInt(operand);
      return operand === 0 ? 0 : -(operand as number);
    }
    if (code === CODE_PLUS) {
      this.at++;
      return this.unary();
    }
    return this.primary();
  }

  primary(): Value {
    const text = this.text;
    const code = text.charCodeAt(this.at);
    if (code === CODE_OPEN) {
      this.at++;
      const value = this.sum();
      this.skip();
      if (text.charCodeAt(this.at) !== CODE_CLOSE) {
        this.failed = true;
        return 0;
      }
      this.at++;
      return value;
    }
    if (code >= CODE_0 && code <= CODE_9) {
      const start = this.at;
      let allZero = true;
      let number = 0;
      while (this.at < text.length) {
        const digit = text.charCodeAt(this.at);
        if (digit < CODE_0 || digit > CODE_9) break;
        if (digit !== CODE_0) allZero = false;
        number = number * 10 + (digit - CODE_0);
        this.at++;
      }
      // Python: "leading zeros in decimal integer literals are not permitted".
      if (this.at - start > 1 && code === CODE_0 && !allZero) {
        this.failed = true;
        return 0;
      }
      // A literal glued to a letter, dot or underscore (`5x`, `1.5`, `1_0`) is outside the grammar.
      const next = text.charCodeAt(this.at);
      if (next === 46 || next === 95 || (next >= 65 && next <= 90) || (next >= 97 && next <= 122)) {
        this.failed = true;
        return 0;
      }
      if (this.big) return BigInt(text.slice(start, this.at));
      if (!Number.isSafeInteger(number)) this.overflow = true;
      return number;
    }
    this.failed = true;
    return 0;
  }

  combine(op: Operator, left: Value, right: Value): Value {
    if (this.big) {
      const a = BigInt(left);
      const b = BigInt(right);
      return op === "+" ? a + b : op === "-" ? a - b : a * b;
    }
    const a = left as number;
    const b = right as number;
    const value = op === "+" ? a + b : op === "-" ? a - b : a * b;
    if (!Number.isSafeInteger(value)) this.overflow = true;
    return value === 0 ? 0 : value;
  }
}

const evaluator = new Evaluator();

/**
 * The exact integer value of an expression, or `undefined` when the text is not a valid expression
 * of the grammar. Never throws. Used in hot loops; see {@linkcode evaluate} for the `Either` form.
 */
export function evaluateValue(text: string): Value | undefined {
  const value = evaluator.run(text, false);
  if (value === undefined) return undefined;
  if (!evaluator.overflow) return value;
  const exact = evaluator.run(text, true);
  if (exact === undefined) return undefined;
  return normalise(exact);
}

function normalise(value: Value): Value {
  if (typeof value === "number") return value;
  const small = Number(value);
  return Number.isSafeInteger(small) ? small : value;
}

/**
 * The exact integer value of an expression.
 *
 * @example Precedence and negative numbers
 * ```ts
 * assertEquals(evaluate("(-2 - -3 * -7)"), E.right(-23));
 * ```
 */
export function evaluate(text: string): E.Either<ParseError, Value> {
  const value = evaluateValue(text);
  return value === undefined
    ? E.left({ type: "parse-error", line: 0, message: `Cannot evaluate as the expression is invalid: current value is ${text}` })
    : E.right(value);
}

// ---------------------------------------------------------------------------------------------
// Trees and printers (used by the solver and the compact format, not by the verifier's hot path).

type Token =
  | { readonly kind: "num"; readonly text: string }
  | { readonly kind: "op"; readonly op: Operator }
  | { readonly kind: "open" }
  | { readonly kind: "close" };

/** Options for {@linkcode parseExpression}. */
export interface ParseExpressionOptions {
  /** Whether spaces may stand between tokens (the official spelling has them). @default {true} */
  readonly spaces?: boolean;
}

function tokenize(text: string, spaces: boolean): Token[] | undefined {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code === CODE_SPACE || code === CODE_TAB) {
      if (!spaces) return undefined;
      at++;
      continue;
    }
    const previous = tokens.at(-1);
    const operandExpected = previous === undefined || previous.kind === "op" || previous.kind === "open";
    if (code === CODE_MINUS && operandExpected) {
      const next = text.charCodeAt(at + 1);
      if (next >= CODE_0 && next <= CODE_9) {
        const end = digitsEnd(text, at + 1);
        tokens.push({ kind: "num", text: text.slice(at, end) });
        at = end;
        continue;
      }
    }
    if (code === CODE_PLUS || code === CODE_MINUS || code === CODE_STAR) {
      tokens.push({ kind: "op", op: code === CODE_PLUS ? "+" : code === CODE_MINUS ? "-" : "*" });
      at++;
    } else if (code === CODE_OPEN) {
      tokens.push({ kind: "open" });
      at++;
    } else if (code === CODE_CLOSE) {
      tokens.push({ kind: "close" });
      at++;
    } else if (code >= CODE_0 && code <= CODE_9) {
      const end = digitsEnd(text, at);
      tokens.push({ kind: "num", text: text.slice(at, end) });
      at = end;
    } else {
      return undefined;
    }
  }
  return tokens;
}

function digitsEnd(text: string, from: number): number {
  let at = from;
  while (at < text.length) {
    const code = text.charCodeAt(at);
    if (code < CODE_0 || code > CODE_9) break;
    at++;
  }
  return at;
}

class TreeParser {
  at = 0;
  constructor(readonly tokens: readonly Token[]) {}

  sum(): Expression | undefined {
    let left = this.product();
    while (left !== undefined) {
      const token = this.tokens[this.at];
      if (token?.kind !== "op" || token.op === "*") return left;
      this.at++;
      const right = this.product();
      if (right === undefined) return undefined;
      left = { kind: "bin", op: token.op, left, right };
    }
    return undefined;
  }

  product(): Expression | undefined {
    let left = this.unary();
    while (left !== undefined) {
      const token = this.tokens[this.at];
      if (token?.kind !== "op" || token.op !== "*") return left;
      this.at++;
      const right = this.unary();
      if (right === undefined) return undefined;
      left = { kind: "bin", op: "*", left, right };
    }
    return undefined;
  }

  unary(): Expression | undefined {
    const token = this.tokens[this.at];
    if (token?.kind === "op" && token.op !== "*") {
      this.at++;
      const operand = this.unary();
      if (operand === undefined) return undefined;
      return token.op === "-" ? { kind: "neg", operand } : { kind: "pos", operand };
    }
    return this.primary();
  }

  primary(): Expression | undefined {
    const token = this.tokens[this.at];
    if (token?.kind === "num") {
      this.at++;
      const digits = token.text.startsWith("-") ? token.text.slice(1) : token.text;
      if (digits.length > 1 && digits.startsWith("0") && !/^0+$/.test(digits)) return undefined;
      return { kind: "num", text: token.text };
    }
    if (token?.kind === "open") {
      this.at++;
      const inner = this.sum();
      if (inner === undefined || this.tokens[this.at]?.kind !== "close") return undefined;
      this.at++;
      return inner;
    }
    return undefined;
  }
}

/**
 * Parses an expression into a tree. A `-` directly before digits where an operand is expected is
 * part of the literal (`-3`), as the official texts write negative numbers.
 */
export function parseExpression(text: string, options: ParseExpressionOptions = {}): E.Either<ParseError, Expression> {
  const { spaces = true } = options;
  const tokens = tokenize(text, spaces);
  if (tokens !== undefined && tokens.length > 0) {
    const parser = new TreeParser(tokens);
    const tree = parser.sum();
    if (tree !== undefined && parser.at === tokens.length) return E.right(tree);
  }
  return E.left({ type: "parse-error", line: 0, message: `Cannot parse the expression as it is invalid: current value is ${text}` });
}

/** The exact value of a tree. */
export function valueOf(tree: Expression): Value {
  const value = evaluateValue(printFull(tree));
  // A printed tree is always valid; the fallback keeps the type total.
  return value ?? 0;
}

/**
 * The official, fully parenthesised spelling (Python `ast` with parentheses around every binary
 * operation, as `get_rationale.py` prints it): `(-2 - (-3 * -7))`.
 */
export function printFull(tree: Expression): string {
  switch (tree.kind) {
    case "num":
      return tree.text;
    case "neg":
      return `-${printFull(tree.operand)}`;
    case "pos":
      return `+${printFull(tree.operand)}`;
    case "bin":
      return `(${printFull(tree.left)} ${tree.op} ${printFull(tree.right)})`;
  }
}

function precedence(tree: Expression): number {
  if (tree.kind !== "bin") return 3;
  return tree.op === "*" ? 2 : 1;
}

/**
 * The compact, minimally parenthesised spelling without spaces: `-2--3*-7`. Parentheses stay
 * only where the tree needs them (a lower-precedence left operand, a right operand of equal or
 * lower precedence), so the spelling parses back to the same tree.
 */
export function printMinimal(tree: Expression): string {
  switch (tree.kind) {
    case "num":
      return tree.text;
    case "neg":
      return `-(${printMinimal(tree.operand)})`;
    case "pos":
      return `+(${printMinimal(tree.operand)})`;
    case "bin": {
      const own = precedence(tree);
      const left = printMinimal(tree.left);
      const right = printMinimal(tree.right);
      const leftText = precedence(tree.left) < own ? `(${left})` : left;
      const rightText = precedence(tree.right) <= own ? `(${right})` : right;
      return `${leftText}${tree.op}${rightText}`;
    }
  }
}

/**
 * Re-spells an expression token by token: `spaced` puts one space around each binary operator
 * (the official spelling of a question group, `-2 - -3 * -7`), otherwise no spaces at all
 * (`-2--3*-7`). Returns `undefined` when the text does not tokenize.
 */
export function respell(text: string, spaced: boolean): string | undefined {
  const tokens = tokenize(text, true);
  if (tokens === undefined) return undefined;
  let out = "";
  for (const token of tokens) {
    if (token.kind === "num") out += token.text;
    else if (token.kind === "op") out += spaced ? ` ${token.op} ` : token.op;
    else out += token.kind === "open" ? "(" : ")";
  }
  return out;
}

/** Whether a character code is an ASCII capital letter (the verifier's `[A-Z]`). */
export function isCapital(code: number): boolean {
  return code >= 65 && code <= 90;
}

/** Whether a text contains an ASCII capital letter. */
export function hasCapital(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (isCapital(text.charCodeAt(index))) return true;
  }
  return false;
}
