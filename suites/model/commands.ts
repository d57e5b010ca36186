import fc from "fast-check";
import { Resend, Send, UseDeadToken, Verify, type Target } from "./api-commands.js";
import { ClearInbox, ReadEmails, ReadOtp } from "./inbox-commands.js";
import { ChangeSettings, ClockToExpiry, CreateEnv, DeleteEnv, DropNextMail, ExportSnapshot, ImportSnapshot, MoveClock, ResetEnv } from "./control-commands.js";
import type { SendInput } from "./reference.js";
import type { System, Transport } from "./system.js";
import { checkEnvironments, type World } from "./world.js";

/** The random command sequences of the model test, each command followed by the check of every live environment. */

type Command = fc.AsyncCommand<World, System>;

class Checked implements Command {
  constructor(readonly inner: Command) {}
  check = (w: Readonly<World>) => this.inner.check(w);
  async run(w: World, sys: System): Promise<void> {
    w.stats.commands++;
    await this.inner.run(w, sys);
    await checkEnvironments(w, sys);
  }
  toString = () => this.inner.toString();
}

/** Includes a differently cased form of an address: sends are numbered and inboxes matched case-insensitively. */
export const ADDRESSES = ["ana@example.com", "ANA@Example.com", "bo@example.test", "cy+tag@example.org"];
export const CALLBACKS = ["https://app.example.test/cb", "https://app.example.test/cb?next=%2Fhome"];

/** Mostly 0 (the first live environment, the newest auth request), so sequences build on each other. */
const pick = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.nat({ max: 3 }) }, { weight: 1, arbitrary: fc.nat({ max: 1_000 }) });
const transport = fc.constantFrom<Transport>("rest", "grpc");
const address = fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...ADDRESSES) }, { weight: 1, arbitrary: fc.constant("not-an-email") });
const target: fc.Arbitrary<Target> = fc.record({ own: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), pick });
const maybe = <T>(arb: fc.Arbitrary<T>, freq = 2) => fc.option(arb, { freq, nil: undefined });
/** How many emails behind the newest an `after` cursor points. */
const back = fc.constantFrom(0, 1, 2, 5);
const inboxFilter = fc
  .record({ to: fc.constantFrom(...ADDRESSES), byRequest: target, back }, { requiredKeys: [] })
  .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)));

const sendInput: fc.Arbitrary<SendInput> = fc
  .record({
    email: address,
    template: maybe(fc.constantFrom("SIGNIN" as const, "SIGNUP" as const)),
    state: maybe(fc.constantFrom("st-1", "x")),
    // Mostly given: LINK and LINK_OTP need it.
    uri: maybe(fc.constantFrom(...CALLBACKS), 6),
    // 59 and 3601 lie just outside the default 60..3600, Scalekit's documented range.
    expiresIn: maybe(fc.constantFrom(59, 60, 300, 3_600, 3_601)),
  })
  .map((input) => Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as unknown as SendInput);

/** Settings the model knows the rules of; only values inside the documented ranges. */
const settingsFields = {
  passwordlessType: fc.constantFrom("OTP", "LINK", "LINK_OTP"),
  maxAttempts: fc.integer({ min: 1, max: 6 }),
  maxResends: fc.integer({ min: 0, max: 4 }),
  newCredentialsOnResend: fc.boolean(),
  otpLength: fc.integer({ min: 4, max: 10 }),
  otpCharset: fc.constantFrom("NUMERIC", "ALPHANUMERIC"),
  enforceSameOrigin: fc.boolean(),
  defaultExpiresIn: fc.constantFrom(60, 300, 900),
};
export const validSettings = fc.record(settingsFields, { requiredKeys: [] });
/** The settings of the environments a run starts with: the type and resend behaviour always chosen. */
export const initialSettings = fc.record(
  { ...settingsFields, maxAttempts: fc.constantFrom(1, 2, 3, 5), maxResends: fc.integer({ min: 0, max: 3 }) },
  { requiredKeys: ["passwordlessType", "newCredentialsOnResend", "maxAttempts", "maxResends"] },
);
/** A valid update with one field out of range (or unknown): refused as a whole. */
const invalidSettings = fc
  .tuple(
    validSettings,
    fc.constantFrom<[string, unknown]>(
      ["maxAttempts", 0],
      ["otpLength", 3],
      ["otpLength", 11],
      ["maxResends", -1],
      ["passwordlessType", "SMS"],
      ["otpCharset", "alphanumeric"],
      ["defaultExpiresIn", 10],
      ["noSuchSetting", true],
    ),
  )
  .map(([patch, [key, value]]) => ({ ...patch, [key]: value }));

/** Small steps, and jumps past expiry and token lifetimes (never backwards: a token's `nbf` would be in the future). */
const clockStep = fc.oneof(fc.integer({ min: 1, max: 90_000 }), fc.integer({ min: 300_000, max: 8_000_000 }));

export interface CommandOptions {
  /** Let dead-token probes hit client ids a re-created environment took over. */
  probeRecreatedClients: boolean;
  /** Add `mail: "drop"` rules that swallow the next email. */
  mailDrops: boolean;
}

export function commands(options: CommandOptions): fc.Arbitrary<Iterable<Command>> {
  const send = fc.tuple(pick, sendInput, transport).map(([e, input, t]) => new Send(e, input, t));
  const verify = fc
    .tuple(pick, target, fc.constantFrom("code" as const, "link" as const), fc.constantFrom("current", "current", "stale", "wrong", "wrong"), fc.constantFrom("none", "own", "own", "other"), transport)
    .map(([e, tg, credential, choice, id, t]) => new Verify(e, tg, credential, choice as "current", id as "none", t));
  const dropMail = pick.map((e) => new DropNextMail(e));
  const resend = fc.tuple(pick, target, transport).map(([e, tg, t]) => new Resend(e, tg, t));
  const deadToken = fc.tuple(pick, transport).map(([p, t]) => new UseDeadToken(p, t, options.probeRecreatedClients));
  const arbitraries: Array<fc.Arbitrary<Command>> = [
    send,
    send,
    send,
    resend,
    resend,
    resend,
    verify,
    verify,
    verify,
    verify,
    verify,
    fc.tuple(pick, fc.constantFrom(...ADDRESSES), maybe(target), maybe(back)).map(([e, a, tg, b]) => new ReadOtp(e, a, tg, b)),
    fc.tuple(pick, inboxFilter, maybe(fc.constantFrom(1, 2, 50, 1_000)), fc.boolean()).map(([e, f, l, latest]) => new ReadEmails(e, f, l, latest)),
    pick.map((e) => new ClearInbox(e)),
    pick.map((e) => new ResetEnv(e)),
    fc.tuple(pick, clockStep).map(([e, ms]) => new MoveClock(e, ms)),
    fc.tuple(pick, pick, fc.constantFrom(-1, 0, 1, 1_000)).map(([e, r, d]) => new ClockToExpiry(e, r, d)),
    fc.tuple(pick, fc.oneof({ weight: 3, arbitrary: validSettings }, { weight: 1, arbitrary: invalidSettings })).map(([e, p]) => new ChangeSettings(e, p)),
    fc.tuple(validSettings, maybe(pick, 1)).map(([s, r]) => new CreateEnv(s, r)),
    pick.map((e) => new DeleteEnv(e)),
    pick.map((e) => new ExportSnapshot(e)),
    fc.tuple(pick, pick).map(([s, e]) => new ImportSnapshot(s, e)),
    deadToken,
    ...(options.probeRecreatedClients ? [deadToken, deadToken] : []),
    ...(options.mailDrops ? [dropMail, dropMail] : []),
  ];
  return fc.commands(
    arbitraries.map((arb) => arb.map((c) => new Checked(c) as Command)),
    { maxCommands: 30, size: "max" },
  );
}
