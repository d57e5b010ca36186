import { fails } from "../scenario-kit.js";
import type { MockError, Scenario } from "../types.js";

/** Requests refused for their content, before anything is sent. */

const VALIDATION: MockError = { errorCode: "INVALID_ARGUMENT", message: /^validation error: / };

export const invalidInputScenarios: Scenario[] = [
  {
    id: "invalid-email",
    title: "Invalid input: bad email",
    type: "OTP",
    needs: [],
    mockErrors: { "send#1": { errorCode: "INVALID_ARGUMENT", message: /^validation error: email: value must be a valid email address \[string\.email\]$/ } },
    async run(ctx) {
      fails(await ctx.driver.send("not-an-email"), 3, "a bad email");
    },
  },
  {
    id: "invalid-email-length",
    title: "Invalid input: email over 320 characters",
    type: "OTP",
    needs: [],
    mockErrors: { "send#1": VALIDATION },
    async run(ctx) {
      const long = `${"a".repeat(64)}@${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.${"e".repeat(63)}.com`;
      fails(await ctx.driver.send(long), 3, "a 325-character email");
    },
  },
  {
    id: "missing-auth-request-id",
    title: "Invalid input: auth_request_id missing",
    type: "OTP",
    needs: [],
    mockErrors: {
      "verify#1": { errorCode: "INVALID_ARGUMENT", message: /auth_request_id/ },
      "resend#1": { errorCode: "INVALID_ARGUMENT", message: /auth_request_id/ },
    },
    async run(ctx) {
      fails(await ctx.driver.verify({ code: "123456" }), 3, "a code without auth_request_id");
      fails(await ctx.driver.resend(""), 3, "a resend without auth_request_id");
    },
  },
  {
    id: "invalid-template-variables",
    title: "Invalid input: 31 template variables",
    type: "OTP",
    needs: [],
    mockErrors: { "send#1": { errorCode: "INVALID_ARGUMENT", message: /^validation error: .*\[map\.max_pairs\]/ } },
    async run(ctx) {
      const vars = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`var_${i}`, "x"]));
      fails(await ctx.driver.send(ctx.address(), { templateVariables: vars }), 3, "31 template variables");
    },
  },
  {
    id: "invalid-reserved-variable",
    title: "Invalid input: reserved template variable",
    type: "OTP",
    needs: [],
    mockErrors: { "send#1": VALIDATION },
    async run(ctx) {
      fails(await ctx.driver.send(ctx.address(), { templateVariables: { otp: "123456" } }), 3, "a reserved variable");
    },
  },
  {
    id: "invalid-expires-in",
    title: "Invalid input: expires_in below the minimum",
    type: "OTP",
    needs: [],
    mockErrors: { "send#1": VALIDATION },
    async run(ctx) {
      fails(await ctx.driver.send(ctx.address(), { expiresIn: 5 }), 3, "expires_in 5");
    },
  },
  {
    id: "invalid-state",
    title: "Invalid input: state over 1000 characters",
    type: "OTP",
    needs: [],
    mockErrors: { "send#1": VALIDATION },
    async run(ctx) {
      fails(await ctx.driver.send(ctx.address(), { state: "s".repeat(1001) }), 3, "a long state");
    },
  },
  {
    id: "invalid-code-length",
    title: "Invalid input: code over 20 characters",
    type: "OTP",
    needs: [],
    mockErrors: { "verify#1": VALIDATION },
    async run(ctx) {
      fails(await ctx.driver.verify({ code: "1".repeat(21) }, "x"), 3, "a long code");
    },
  },
  {
    id: "missing-magic-link-uri",
    title: "Invalid input: LINK without magiclink_auth_uri",
    type: "LINK",
    needs: [],
    mockErrors: { "send#1": { errorCode: "MAGICLINK_AUTH_URI_REQUIRED" } },
    async run(ctx) {
      fails(await ctx.driver.send(ctx.address()), 3, "a send without magiclink_auth_uri");
    },
  },
  {
    id: "missing-magic-link-uri-link-otp",
    title: "Invalid input: LINK_OTP without magiclink_auth_uri",
    type: "LINK_OTP",
    needs: [],
    mockErrors: { "send#1": { errorCode: "MAGICLINK_AUTH_URI_REQUIRED" } },
    async run(ctx) {
      fails(await ctx.driver.send(ctx.address()), 3, "a send without magiclink_auth_uri");
    },
  },
];
