import { describe, expect, it } from "vitest";
import type { EmailDraft } from "./email.js";
import { Inbox } from "./inbox.js";

const draft = (to: string, id: string, authRequestId = "ar"): EmailDraft => ({
  id,
  environmentId: "e",
  authRequestId,
  kind: "send",
  from: "f@x.test",
  to,
  subject: "s",
  date: 0,
  template: "SIGNIN",
  generation: 0,
  expiresAt: 0,
  html: "",
  text: "",
});

describe("Inbox", () => {
  it("D18: lists newest first, filtered by recipient (any case), request and cursor", () => {
    const inbox = new Inbox();
    inbox.capture(draft("a@x.test", "1"));
    inbox.capture(draft("b@x.test", "2", "other"));
    inbox.capture(draft("A@x.test", "3"));
    expect(inbox.list().map((e) => e.id)).toEqual(["3", "2", "1"]);
    expect(inbox.list({ to: "a@X.test" }).map((e) => e.seq)).toEqual([3, 1]);
    expect(inbox.list({ authRequestId: "other" }).map((e) => e.id)).toEqual(["2"]);
    expect(inbox.list({ after: 1 }, 1).map((e) => e.id)).toEqual(["3"]);
    expect(inbox.latest({ to: "b@x.test" })?.id).toBe("2");
  });

  it("keeps counting seq after clear, restarts after reset", () => {
    const inbox = new Inbox();
    inbox.capture(draft("a@x.test", "1"));
    expect(inbox.clear()).toBe(1);
    expect(inbox.capture(draft("a@x.test", "2")).seq).toBe(2);
    inbox.reset();
    expect(inbox.capture(draft("a@x.test", "3")).seq).toBe(1);
  });

  it("wakes a waiter on the capture that satisfies it, not before", async () => {
    const inbox = new Inbox();
    const waiting = inbox.waitFor(() => inbox.latest({ to: "b@x.test" }), 10_000);
    expect(inbox.waiting).toBe(1);
    inbox.capture(draft("a@x.test", "1"));
    expect(inbox.waiting).toBe(1);
    inbox.capture(draft("b@x.test", "2"));
    expect((await waiting)?.id).toBe("2");
    expect(inbox.waiting).toBe(0);
  });

  it("answers at once when the mail is already there", async () => {
    const inbox = new Inbox();
    inbox.capture(draft("a@x.test", "1"));
    expect((await inbox.waitFor(() => inbox.latest(), 10_000))?.id).toBe("1");
    expect(inbox.waiting).toBe(0);
  });

  it("gives up after the timeout or on abort", async () => {
    const inbox = new Inbox();
    expect(await inbox.waitFor(() => inbox.latest(), 20)).toBeUndefined();
    const controller = new AbortController();
    const waiting = inbox.waitFor(() => inbox.latest(), 10_000, controller.signal);
    controller.abort();
    expect(await waiting).toBeUndefined();
    expect(inbox.waiting).toBe(0);
  });
});
