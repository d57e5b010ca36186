import { expect, it } from "vitest";
import { generateTls } from "./generate.js";
import { loadTls } from "./load.js";
import { tlsNames } from "./names.js";

/** reflect-metadata installs `Reflect.getMetadata`; @peculiar/x509 is loaded only after it (issue.ts). */
const reflectPolyfill = () => (Reflect as unknown as { getMetadata?: unknown }).getMetadata;

it("loads neither @peculiar/x509 nor its Reflect polyfill until the first certificate is generated", async () => {
  expect([typeof generateTls, typeof loadTls, typeof tlsNames]).toEqual(["function", "function", "function"]);
  expect(reflectPolyfill()).toBeUndefined();
  await generateTls({ seed: "lazy", names: ["localhost"], now: new Date("2026-03-01T00:00:00Z") });
  expect(reflectPolyfill()).toBeTypeOf("function");
});
