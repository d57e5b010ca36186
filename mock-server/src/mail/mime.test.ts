import { describe, expect, it } from "vitest";
import { quotedPrintable, rfc5322Date } from "./mime.js";

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

describe("quoted-printable", () => {
  it("round-trips long lines, UTF-8, '=' and trailing spaces within 76 columns", () => {
    const text = `${"long line with = signs and ünïcödé ".repeat(8)}\nnext line ends in space \nlast`;
    const encoded = quotedPrintable(text);
    expect(encoded.split("\r\n").every((line) => line.length <= 76)).toBe(true);
    expect(decodeQuotedPrintable(encoded).replace(/\r\n/g, "\n")).toBe(text);
  });
});

describe("rfc5322Date", () => {
  it("formats in UTC", () => {
    expect(rfc5322Date(Date.UTC(2026, 0, 5, 7, 8, 9))).toBe("Mon, 05 Jan 2026 07:08:09 +0000");
  });
});
