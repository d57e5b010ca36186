import { z } from "zod";

const PROTO_KEY = "__proto__";

/**
 * A JSON object as a record, refusing a "__proto__" key. `JSON.parse` makes
 * that an ordinary own key, but zod's record skips it without a word and an
 * assignment would set the prototype instead: either way the key would be
 * accepted and then silently do nothing (or something else). No name the
 * mock knows is "__proto__", so it is refused like any unknown key.
 */
export function ownRecord<K extends z.core.$ZodRecordKey, V extends z.ZodType>(key: K, value: V) {
  return z.preprocess((input, ctx) => {
    if (typeof input === "object" && input !== null && Object.hasOwn(input, PROTO_KEY)) {
      ctx.addIssue({ code: "custom", path: [PROTO_KEY], message: `"${PROTO_KEY}" is not a key this object takes` });
    }
    return input;
  }, z.record(key, value));
}
