import { describe, expect, it } from "vitest";
import { certificateName, isIpName, tlsNames } from "./names.js";

describe("tlsNames", () => {
  it("lists the loopback names first, then the bound host, the allowed hosts and the machine's name", () => {
    expect(tlsNames({ host: "192.168.1.20", allowedHosts: ["mock.test"], hostname: "dev-box" })).toEqual([
      "localhost",
      "127.0.0.1",
      "::1",
      "192.168.1.20",
      "mock.test",
      "dev-box",
    ]);
  });

  it.each(["0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", ""])("leaves out the any-address bind %j, which no client dials", (host) => {
    expect(tlsNames({ host, allowedHosts: [], hostname: "dev-box" })).toEqual(["localhost", "127.0.0.1", "::1", "dev-box"]);
  });

  it("covers an allowed .domain and its subdomains, as the host guard does, and skips *", () => {
    expect(tlsNames({ host: "127.0.0.1", allowedHosts: ["*", ".example.com"], hostname: "dev-box" })).toEqual([
      "localhost",
      "127.0.0.1",
      "::1",
      "example.com",
      "*.example.com",
      "dev-box",
    ]);
  });

  it("lists a name once even when written in another case, in brackets or with a trailing dot", () => {
    expect(tlsNames({ host: "[::1]", allowedHosts: ["LOCALHOST", "Dev-Box.", "dev-box"], hostname: "DEV-BOX" })).toEqual([
      "localhost",
      "127.0.0.1",
      "::1",
      "dev-box",
    ]);
  });

  it("leaves out a machine name that cannot be in a certificate", () => {
    expect(tlsNames({ host: "127.0.0.1", allowedHosts: [], hostname: "my laptop" })).toEqual(["localhost", "127.0.0.1", "::1"]);
  });
});

describe("certificateName", () => {
  it("writes IPv6 addresses in their short form, as clients compare them", () => {
    expect(certificateName("0:0:0:0:0:0:0:1")).toBe("::1");
    expect(certificateName("[FE80:0:0:0:0:0:0:1]")).toBe("fe80::1");
    expect(certificateName("::ffff:10.0.0.1")).toBe("::ffff:a00:1");
  });

  it("drops an IPv6 zone id, which only means something on this machine", () => {
    expect(certificateName("fe80::1%eth0")).toBe("fe80::1");
  });

  it("keeps a wildcard in front only, and refuses what is no DNS name", () => {
    expect(certificateName("*.Example.COM")).toBe("*.example.com");
    expect(certificateName("a.*.example.com")).toBeUndefined();
    expect(certificateName("-bad.example")).toBeUndefined();
    expect(certificateName("two..dots")).toBeUndefined();
    expect(certificateName(`${"a".repeat(64)}.example`)).toBeUndefined();
    expect(certificateName("under_score.example")).toBe("under_score.example");
  });

  it("tells IP addresses from DNS names", () => {
    expect(["127.0.0.1", "::1", "localhost", "*.example.com"].map(isIpName)).toEqual([true, true, false, false]);
  });
});
