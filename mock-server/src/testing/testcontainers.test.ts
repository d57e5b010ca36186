import { describe, expect, it } from "vitest";
import { allowedHostsFor } from "./testcontainers.js";

describe("the names a started container's control API answers to", () => {
  it("adds the runtime's host and the network aliases to the names given", () => {
    expect(allowedHostsFor(undefined, "docker", ["scalekit", "mock"])).toBe("docker,scalekit,mock");
    expect(allowedHostsFor("ci.example, .corp.example", "localhost", [])).toBe("ci.example,.corp.example,localhost");
  });

  it("leaves out IP addresses (always allowed), blanks and repeats", () => {
    expect(allowedHostsFor("", "127.0.0.1", ["scalekit", "scalekit", "::1", " "])).toBe("scalekit");
  });
});
