import { ScalekitClient } from "@scalekit-sdk/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit, type SettingsInput, type TemplateSource } from "../mock-server/src/index.js";
import { extractCredentials } from "../mock-server/src/mail/extract-credentials.js";
import { toEml } from "../mock-server/src/mail/mime.js";
import { parseEmail } from "./support/parse-mail.js";

/**
 * The one extraction every mailbox reader uses (IMAP, Mailpit) finds what the
 * mock's own inbox reports, on the same emails as a mailbox receives them
 * (the mock's .eml, parsed as every reader here parses mail): every code length and alphabet,
 * every passwordless type, HTML-only and text-only templates, and links with
 * a query and a fragment of their own.
 */

let mock: MockScalekit;
let scalekit: ScalekitClient;
let n = 0;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "extraction" });
  scalekit = new ScalekitClient(mock.url, mock.clientId, mock.clientSecret);
});
afterAll(() => mock.close());

const CALLBACK = "https://app.example.test/cb?next=%2Fhome%2F123456&lang=en#section-2024";

async function sendAndCompare(settings: SettingsInput, template?: TemplateSource) {
  mock.reset();
  mock.settings.update(settings);
  if (template !== undefined) mock.templates.put("SIGNIN", template);
  const email = `parity${++n}@example.com`;
  await scalekit.passwordless.sendPasswordlessEmail(email, { magiclinkAuthUri: CALLBACK });
  const captured = mock.inbox.latest({ to: email })!;
  const found = extractCredentials(await parseEmail(toEml(captured)));
  const expected = {
    ...(captured.otp !== undefined && { code: captured.otp }),
    ...(captured.link !== undefined && { link: captured.link }),
    ...(captured.linkToken !== undefined && { linkToken: captured.linkToken }),
  };
  return { found, expected };
}

/** Many sends with one configuration: every code the seeded stream draws, letters-only ones included. */
async function compareMany(times: number, settings: SettingsInput, template?: TemplateSource) {
  const wrong: string[] = [];
  const codes: string[] = [];
  for (let i = 0; i < times; i++) {
    const { found, expected } = await sendAndCompare(settings, template);
    if (expected.code !== undefined) codes.push(expected.code);
    if (JSON.stringify(found) !== JSON.stringify(expected)) wrong.push(`${JSON.stringify(expected)} read as ${JSON.stringify(found)}`);
  }
  return { wrong, codes };
}

describe("reading credentials out of a mailbox's copy of an email", () => {
  it.each([4, 5, 6, 7, 8, 9, 10])("finds the same numeric code of %i digits as the mock's inbox", async (otpLength) => {
    const { found, expected } = await sendAndCompare({ otpLength });
    expect(expected.code).toHaveLength(otpLength);
    expect(found).toEqual(expected);
  });

  it.each([4, 6, 10])("finds the same alphanumeric code of %i characters as the mock's inbox, letters-only codes included", async (otpLength) => {
    const { wrong, codes } = await compareMany(60, { otpLength, otpCharset: "ALPHANUMERIC" });
    expect(wrong).toEqual([]);
    if (otpLength < 10) expect(codes.some((c) => /^[A-Z]+$/.test(c)), "some codes are letters only").toBe(true);
  });

  it("finds letters-only and mixed codes in a text-only template, where the code follows the word", async () => {
    const { wrong, codes } = await compareMany(40, { otpLength: 6, otpCharset: "ALPHANUMERIC", appName: "ACME24" }, { subject: "Sign in", text: "SIGN IN TO {{app_name}}\nYour code is {{otp}}.\n© 2026" });
    expect(wrong).toEqual([]);
    expect(codes.some((c) => /^[A-Z]+$/.test(c))).toBe(true);
  });

  it.each(["LINK", "LINK_OTP"] as const)("finds the same magic link (query and fragment kept) and code for %s as the mock's inbox", async (passwordlessType) => {
    const { found, expected } = await sendAndCompare({ passwordlessType });
    expect(expected.link).toContain("#section-2024");
    expect(found).toEqual(expected);
  });

  it("reads an HTML-only template through its link's href and its visible text", async () => {
    const { found, expected } = await sendAndCompare(
      { passwordlessType: "LINK_OTP" },
      { subject: "Sign in", html: "<h1>Sign in to Acme24</h1><p>© 2026</p><p>Code: <b>{{otp}}</b></p><a href=\"{{link}}\">Sign in</a>" },
    );
    expect(expected.code).toBeDefined();
    expect(found).toEqual(expected);
  });

  it("reads a text-only template with the date and the year before the code", async () => {
    const { found, expected } = await sendAndCompare({ otpLength: 4 }, { subject: "Sign in", text: "{{expiry_time}} © 2025\nYour code: {{otp}}" });
    expect(found).toEqual(expected);
  });
});

describe("the extraction rules", () => {
  it("finds the code and the link, not digits of the link or the date", () => {
    const text = "Enter 482913 to sign in.\nOr open https://app.test/cb?next=%2F123456&link_token=ab12-cd_l\nExpires 2026-11-28 10:05 UTC";
    expect(extractCredentials(text)).toEqual({ code: "482913", link: "https://app.test/cb?next=%2F123456&link_token=ab12-cd_l", linkToken: "ab12-cd_l" });
    expect(extractCredentials("no credentials here, 2026")).toEqual({});
  });

  it("finds an alphanumeric code, not an upper-case word, a year or the time zone", () => {
    expect(extractCredentials("SIGN IN to ACME © 2026\nEnter 7KQ2ZD to sign in.\nExpires 2026-11-28 10:05 UTC")).toEqual({ code: "7KQ2ZD" });
    expect(extractCredentials("WELCOME to ACME, 2026-11-28 10:05 UTC")).toEqual({});
  });

  it("finds a letters-only code alone in its element or after the word code, never a heading", () => {
    expect(extractCredentials({ html: "<h1>WELCOME</h1><p>Enter this code to sign in:</p><p data-otp>KQZDXB</p><p>© 2026</p>" }).code).toBe("KQZDXB");
    expect(extractCredentials("SIGN IN TO ACME\nEnter this code to sign in: EGWRVQ\n© 2026").code).toBe("EGWRVQ");
    expect(extractCredentials("SIGN IN TO ACME\nWelcome back.").code).toBeUndefined();
  });

  it("prefers the code where it sits over a number of the expected length elsewhere", () => {
    expect(extractCredentials("Enter this code to sign in: 48291307\nAcme, MG Road, Bengaluru 560001").code).toBe("48291307");
    expect(extractCredentials("Your code: 4821\nTicket 102934").code).toBe("4821");
  });

  it("takes no footer number, street number or id for a code in an email that has none", () => {
    const text = "Open this link to sign in: https://app.test/cb?link_token=t0k\n© 2026 Acme Inc. · 548 Market St #1234 · order no. 7.5";
    expect(extractCredentials(text)).toEqual({ link: "https://app.test/cb?link_token=t0k", linkToken: "t0k" });
  });

  it("decodes the entities of an HTML link", () => {
    const html = '<a href="https://app.test/cb?a=1&amp;link_token=t0k&amp;b=2">go</a>';
    expect(extractCredentials({ html })).toEqual({ link: "https://app.test/cb?a=1&link_token=t0k&b=2", linkToken: "t0k" });
  });

  it("leaves out the punctuation or bracket that closes the sentence around a link", () => {
    expect(extractCredentials("Open https://app.test/cb?link_token=abc.").link).toBe("https://app.test/cb?link_token=abc");
    expect(extractCredentials("Sign in [https://app.test/cb?link_token=abc]").link).toBe("https://app.test/cb?link_token=abc");
    expect(extractCredentials("(see https://app.test/cb?x=(1)&link_token=abc)").link).toBe("https://app.test/cb?x=(1)&link_token=abc");
  });

  it("takes the code where a pattern of one's own says, the same on every email even with the g flag", () => {
    expect(extractCredentials("order 123456, code 9876", { codePattern: /code (\d+)/ })).toEqual({ code: "9876" });
    const shared = /code: (\d+)/g;
    const codes = ["code: 111111", "code: 222222", "code: 333333"].map((text) => extractCredentials(text, { codePattern: shared }).code);
    expect(codes).toEqual(["111111", "222222", "333333"]);
    expect(extractCredentials({ html: "<p>Code: <b>4455</b></p>" }, { codePattern: /Code: (\d+)/ }).code).toBe("4455");
  });
});
