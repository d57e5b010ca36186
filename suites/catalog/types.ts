import type { ScalekitMockClient } from "../../mock-server/src/client/index.js";
import type { Driver, Outcome } from "../support/drivers.js";

/** What a scenario may need beyond the Scalekit API itself. */
export type Capability = "clock" | "faults" | "settings" | "templates";

export type PasswordlessType = "OTP" | "LINK" | "LINK_OTP";
export type TransportName = "rest" | "sdk";

/** One email as a scenario sees it, whatever mailbox it came from. */
export interface MailItem {
  code?: string;
  link?: string;
  linkToken?: string;
  subject: string;
  /** The plain-text body; absent when the email has none (an HTML-only template). */
  text?: string;
  /** The HTML body; absent when the email has none (a text-only template). */
  html?: string;
  /** Pass as `after` to wait for a newer email to the same address. */
  cursor: number;
}

export interface InboxReader {
  /** Where mail is read from: the mock's own inbox, a real mailbox over IMAP, or a Mailpit-compatible API. */
  readonly kind: "mock" | "imap" | "mailpit";
  /** The newest email to `email` (newer than `after`), waiting for it. */
  waitFor(email: string, options?: { after?: number; timeoutMs?: number }): Promise<MailItem>;
}

export interface ScenarioContext {
  driver: Driver;
  inbox: InboxReader;
  /** The control API of the scenario's own environment; present when the target has clock, faults or settings. */
  control?: ScalekitMockClient;
  transport: TransportName;
  /** A fresh address for this run. */
  address(label?: string): string;
  /**
   * Call before a request a scenario makes by hand (not through `driver`):
   * on a real environment it keeps the run's pause between calls and its cap
   * on sends ("send" for a send or resend). Drivers do this themselves.
   */
  pace(kind: "send" | "other"): Promise<void>;
  /** Target facts scenarios may need (e.g. a fresh SDK client with wrong credentials). */
  target: { url: string; clientId: string; clientSecret: string };
}

export interface Scenario {
  id: string;
  title: string;
  /** The passwordless type the environment must have. */
  type: PasswordlessType;
  needs: Capability[];
  /** Transports it runs on; both unless narrowed (e.g. SDK retry behaviour). */
  transports?: TransportName[];
  /**
   * What the mock answers at each failing step (`verify#2`, …): its error
   * code and, where it matters, its message. Checked on mock targets only;
   * other targets are compared with the mock by the report instead.
   */
  mockErrors?: Record<string, MockError>;
  run(ctx: ScenarioContext): Promise<void>;
}

export interface MockError {
  errorCode: string;
  message?: RegExp;
}

/** A call's outcome reduced to what must match between targets: field names, types, enum values, error codes. */
export type Shape = Record<string, string>;

export interface RecordedStep {
  step: string;
  shape: Shape;
  /** An error's message, with this run's addresses and ids replaced by placeholders, so transports can be compared. */
  message?: string;
}

export type { Outcome };
