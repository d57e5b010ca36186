import type { z } from "zod";
import { addressKey, codePattern } from "../domain/auth-request.js";
import type { OtpCharset, PasswordlessType } from "../domain/settings.js";
import { missesMagiclinkAuthUri, needsCode, needsLink, sendViolations } from "../domain/validation.js";

/** The fields of one auth request the record checks below read. */
interface AuthRequestToCheck {
  email: string;
  template: "SIGNIN" | "SIGNUP";
  passwordlessType: PasswordlessType;
  otpCharset?: OtpCharset | undefined;
  magiclinkAuthUri?: string | undefined;
  state?: string | undefined;
  templateVariables: Record<string, string>;
  attempts: number;
  maxAttempts: number;
  status: "pending" | "verified" | "locked";
  credentials: { code?: string | undefined; linkToken?: string | undefined };
}

/**
 * The checks one auth request must pass beyond its shape, so that an import
 * holds only requests the mock could have made: what its send gave passes the
 * send's own rules (the same function, not a copy), its credentials are those
 * its passwordless type issues, and its attempts agree with its status.
 */
export function checkAuthRequest(request: AuthRequestToCheck, ctx: z.RefinementCtx): void {
  const report: Report = (path, message) => ctx.addIssue({ code: "custom", path, message });
  const sent = {
    email: request.email,
    template: request.template,
    ...(request.magiclinkAuthUri !== undefined && { magiclinkAuthUri: request.magiclinkAuthUri }),
    ...(request.state !== undefined && { state: request.state }),
    templateVariables: request.templateVariables,
  };
  for (const violation of sendViolations(sent)) {
    report([...(violation.path ?? [])], `a send would refuse this: ${violation.description} [${violation.constraint}]`);
  }
  const type = request.passwordlessType;
  if (missesMagiclinkAuthUri(type, request.magiclinkAuthUri)) {
    report(["magiclinkAuthUri"], `missing: a ${type} auth request emails a magic link, and a send without magiclink_auth_uri is refused`);
  }
  const { code, linkToken } = request.credentials;
  if (needsCode(type) !== (code !== undefined)) {
    report(
      code === undefined ? ["credentials"] : ["credentials", "code"],
      code === undefined
        ? `no code, but a ${type} auth request always has one (the mock issues codes for OTP and LINK_OTP)`
        : `a ${type} auth request has no code (the mock issues codes for OTP and LINK_OTP only)`,
    );
  }
  const charset = request.otpCharset ?? "NUMERIC";
  if (code !== undefined && !codePattern(charset).test(code)) {
    report(["credentials", "code"], `letters in the code of an auth request whose otpCharset is ${charset} (absent means NUMERIC): the mock issues them only with otpCharset "ALPHANUMERIC"`);
  }
  if (needsLink(type) !== (linkToken !== undefined)) {
    report(
      linkToken === undefined ? ["credentials"] : ["credentials", "linkToken"],
      linkToken === undefined
        ? `no link token, but a ${type} auth request always has one (the mock issues link tokens for LINK and LINK_OTP)`
        : `a ${type} auth request has no link token (the mock issues link tokens for LINK and LINK_OTP only)`,
    );
  }
  // The wrong attempt that reaches maxAttempts locks the request, and nothing else does.
  if (request.attempts > request.maxAttempts) {
    report(["attempts"], `${request.attempts} wrong attempts, more than the request's maxAttempts of ${request.maxAttempts}: it locks at the last one allowed`);
  } else if ((request.attempts === request.maxAttempts) !== (request.status === "locked")) {
    report(
      ["status"],
      request.status === "locked"
        ? `locked after ${request.attempts} of ${request.maxAttempts} wrong attempts: a request locks only when its attempts reach maxAttempts`
        : `"${request.status}" with ${request.attempts} of ${request.maxAttempts} wrong attempts used: the attempt that reaches maxAttempts locks the request`,
    );
  }
}

/** The parts of a snapshot the checks below read. */
interface SnapshotToCheck {
  environmentId: string;
  state: {
    settings: { emailLimit: number; authRequestLimit: number; faultLimit: number };
    sendsPerAddress: Record<string, number>;
    authRequests: readonly {
      id: string;
      environmentId: string;
      email: string;
      sendIndex: number;
      credentials: { linkToken?: string | undefined };
      retiredLinkTokens: readonly string[];
    }[];
    inbox: { emails: readonly { id: string; seq: number; environmentId: string; authRequestId: string; to: string }[]; nextSeq: number };
    faults: readonly { id?: string | undefined }[];
  };
}

type Path = (string | number)[];
type Report = (path: Path, message: string) => void;

/** Most issues reported for one snapshot: a broken inbox of a million emails needs a few examples, not all. */
const MAX_ISSUES = 20;

function checkLimit(report: Report, count: number, limit: number, what: string, setting: string): void {
  if (count > limit) report([], `${count} ${what}, more than the snapshot's ${setting} of ${limit}`);
}

/** Reports each value seen before; `describe` says what it is. */
function uniqueness(report: Report, describe: (value: string) => string): (value: string, path: Path) => void {
  const seen = new Set<string>();
  return (value, path) => {
    if (seen.has(value)) report(path, `${describe(value)} appears twice`);
    seen.add(value);
  };
}

function checkAuthRequests(state: SnapshotToCheck["state"], environmentId: string, report: Report): void {
  const requests = state.authRequests;
  checkLimit((path, message) => report(["authRequests", ...path], message), requests.length, state.settings.authRequestLimit, "auth requests", "authRequestLimit");
  const id = uniqueness(report, (value) => `auth request id "${value}"`);
  // One token must lead to one request, or a link would verify another request than it was sent for.
  const token = uniqueness(report, () => "a link token");
  // The store keeps requests in the order they were made, and retention drops the first ones. createdAt
  // cannot tell that order (the clock may be set back between sends); the send number per address can.
  const lastSend = new Map<string, number>();
  for (const [i, request] of requests.entries()) {
    id(request.id, ["authRequests", i, "id"]);
    const key = addressKey(request.email);
    const previous = lastSend.get(key) ?? 0;
    if (request.sendIndex <= previous) {
      report(
        ["authRequests", i, "sendIndex"],
        `send number ${request.sendIndex} to ${key} comes after send number ${previous}: auth requests go oldest first, in the order they were made`,
      );
    }
    lastSend.set(key, Math.max(previous, request.sendIndex));
    if (request.environmentId !== environmentId) {
      report(["authRequests", i, "environmentId"], `"${request.environmentId}" is not the snapshot's environment "${environmentId}"`);
    }
    if (request.credentials.linkToken !== undefined) token(request.credentials.linkToken, ["authRequests", i, "credentials", "linkToken"]);
    for (const [j, retired] of request.retiredLinkTokens.entries()) token(retired, ["authRequests", i, "retiredLinkTokens", j]);
    // Sends are numbered per address and the number derives the request id: a lower count would repeat an id.
    const sends = state.sendsPerAddress[addressKey(request.email)] ?? 0;
    if (sends < request.sendIndex) {
      report(["sendsPerAddress", addressKey(request.email)], `counts ${sends} sends to ${addressKey(request.email)}, but auth request ${i} was send number ${request.sendIndex}`);
    }
  }
}

function checkEmails(state: SnapshotToCheck["state"], environmentId: string, report: Report): void {
  const { emails, nextSeq } = state.inbox;
  checkLimit((path, message) => report(["inbox", "emails", ...path], message), emails.length, state.settings.emailLimit, "emails", "emailLimit");
  const requests = new Map(state.authRequests.map((request) => [request.id, request]));
  const id = uniqueness(report, (value) => `email id "${value}"`);
  let previousSeq = 0;
  for (const [i, email] of emails.entries()) {
    id(email.id, ["inbox", "emails", i, "id"]);
    // `after=<seq>` cursors and the newest-first lists rely on seq growing with each email.
    if (email.seq <= previousSeq) report(["inbox", "emails", i, "seq"], `seq ${email.seq} does not follow ${previousSeq}: emails go oldest first, each seq greater than the last`);
    previousSeq = Math.max(previousSeq, email.seq);
    if (email.environmentId !== environmentId) {
      report(["inbox", "emails", i, "environmentId"], `"${email.environmentId}" is not the snapshot's environment "${environmentId}"`);
    }
    // An email may outlive its auth request (authRequestLimit), but while both are kept they agree on the address.
    const request = requests.get(email.authRequestId);
    if (request !== undefined && addressKey(request.email) !== addressKey(email.to)) {
      report(["inbox", "emails", i, "to"], `the email went to ${email.to}, but its auth request "${request.id}" is for ${request.email}`);
    }
  }
  if (nextSeq <= previousSeq) report(["inbox", "nextSeq"], `${nextSeq} is not greater than the last email's seq ${previousSeq}: new mail would be missed by after= waits`);
}

function checkFaults(state: SnapshotToCheck["state"], report: Report): void {
  checkLimit((path, message) => report(["faults", ...path], message), state.faults.length, state.settings.faultLimit, "fault rules", "faultLimit");
  const id = uniqueness(report, (value) => `fault rule id "${value}"`);
  for (const [i, fault] of state.faults.entries()) if (fault.id !== undefined) id(fault.id, ["faults", i, "id"]);
}

/**
 * The checks a snapshot must pass beyond its shape, so that an import cannot
 * leave an environment in a state it could never reach by itself. Reported
 * as zod issues, each naming the field at fault.
 */
export function checkSnapshot(snapshot: SnapshotToCheck, ctx: z.RefinementCtx): void {
  let issues = 0;
  const report: Report = (path, message) => {
    issues += 1;
    if (issues <= MAX_ISSUES) ctx.addIssue({ code: "custom", path: ["state", ...path], message });
  };
  checkAuthRequests(snapshot.state, snapshot.environmentId, report);
  checkEmails(snapshot.state, snapshot.environmentId, report);
  checkFaults(snapshot.state, report);
  if (issues > MAX_ISSUES) ctx.addIssue({ code: "custom", path: ["state"], message: `and ${issues - MAX_ISSUES} more problems like these` });
}
