import * as t from "io-ts";

/**
 * An input that did not become a result, and why. `type` is a kebab-case kind such as
 * `format-error`, `wrong-no-edit`, `improve-not-progressing`, `endpoint-failed`.
 */
export const Rejection = t.exact(
  t.intersection([
    t.type({ id: t.string, type: t.string, reason: t.string }),
    t.partial({ iteration: t.number }),
  ]),
  "Rejection",
);
export type Rejection = t.TypeOf<typeof Rejection>;
