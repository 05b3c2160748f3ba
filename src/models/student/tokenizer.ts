/**
 * The student's character tokenizer: one character, one token, plus three special tokens.
 * Ids: `PAD = 0`, `BOS = 1`, `EOS = 2`, then the characters in the order of `characters`.
 * Saved as `tokenizer.json` in a checkpoint.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";

/** The id of the padding token. */
export const PAD = 0;
/** The id of the beginning-of-sequence token. */
export const BOS = 1;
/** The id of the end-of-sequence token. */
export const EOS = 2;
const SPECIALS = 3;

/** The codec of a checkpoint's `tokenizer.json`. */
export const TokenizerJson = t.exact(
  t.type({ type: t.literal("characters"), characters: t.array(t.string) }),
  "TokenizerJson",
);
export type TokenizerJson = t.TypeOf<typeof TokenizerJson>;

/** A character the tokenizer does not know. */
export interface UnknownCharacterError {
  readonly type: "unknown-character";
  /** The character's offset in the text. */
  readonly offset: number;
  readonly character: string;
}

/** A character tokenizer. */
export interface Tokenizer {
  /** The characters, in id order (the first has id 3). */
  readonly characters: readonly string[];
  /** Number of ids, special tokens included. */
  readonly size: number;
  /** Ids of the text's characters, with no special tokens; an unknown character is a `Left`. */
  encode(text: string): E.Either<UnknownCharacterError, number[]>;
  /** The text of ids; special tokens are dropped. */
  decode(ids: readonly number[]): string;
  /** The id of one character, if known. */
  idOf(character: string): number | undefined;
  /** The JSON saved with a checkpoint. */
  toJson(): TokenizerJson;
}

/** The default characters: `\n` then printable ASCII (space to `~`). */
export function defaultCharacters(): string[] {
  const characters = ["\n"];
  for (let code = 32; code <= 126; code++) characters.push(String.fromCharCode(code));
  return characters;
}

/**
 * A tokenizer over `characters` (by default `\n` and printable ASCII).
 *
 * @throws {RangeError} When a character is repeated or is not a single UTF-16 unit.
 * @example Round trip
 * ```ts
 * const tokenizer = createTokenizer();
 * const ids = tokenizer.encode("1+2=3");
 * assert(E.isRight(ids) && tokenizer.decode(ids.right) === "1+2=3");
 * ```
 */
export function createTokenizer(characters: readonly string[] = defaultCharacters()): Tokenizer {
  const ids = new Map<string, number>();
  for (const character of characters) {
    if (character.length !== 1) {
      throw new RangeError(`Cannot create a tokenizer as each character must be one UTF-16 unit: current value is ${JSON.stringify(character)}`);
    }
    if (ids.has(character)) {
      throw new RangeError(`Cannot create a tokenizer as characters must be distinct: current value is ${JSON.stringify(character)}`);
    }
    ids.set(character, ids.size + SPECIALS);
  }
  const list = [...characters];
  return {
    characters: list,
    size: list.length + SPECIALS,
    encode(text) {
      const out: number[] = new Array<number>(text.length);
      for (let offset = 0; offset < text.length; offset++) {
        const character = text[offset] as string;
        const id = ids.get(character);
        if (id === undefined) return E.left({ type: "unknown-character", offset, character });
        out[offset] = id;
      }
      return E.right(out);
    },
    decode(tokens) {
      let text = "";
      for (const id of tokens) {
        if (id >= SPECIALS) text += list[id - SPECIALS] ?? "";
      }
      return text;
    },
    idOf: (character) => ids.get(character),
    toJson: () => ({ type: "characters", characters: [...list] }),
  };
}

/** A tokenizer from its saved JSON; a repeated or multi-unit character is a `Left`. */
export function tokenizerFromJson(json: TokenizerJson): E.Either<string, Tokenizer> {
  return E.tryCatch(
    () => createTokenizer(json.characters),
    (error) => (error instanceof Error ? error.message : String(error)),
  );
}

/** A one-line description of an unknown-character error. */
export function describeUnknownCharacter(error: UnknownCharacterError): string {
  return `unknown character ${JSON.stringify(error.character)} at offset ${error.offset}`;
}
