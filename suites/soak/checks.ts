import { inboxViolations } from "../support/invariants.js";
import type { Chaos } from "./chaos.js";
import type { Followed } from "./events.js";
import type { Surfaces, Tally } from "./surfaces.js";

/**
 * What must hold after the soak, environment by environment, from the
 * mock's own records (snapshot, inbox, journal) and the event stream:
 * inbox invariants, every email in its own environment and captured once,
 * no server error a fault did not inject, every dropped call journaled.
 */

/** gRPC codes of a server failure (as the journal names them). */
const SERVER_FAILURES = new Set(["Unknown", "DeadlineExceeded", "Internal", "Unavailable", "DataLoss"]);

export interface CheckResult {
  problems: string[];
  checks: number;
  emails: number;
  journalDrops: number;
}

export async function checkAfterSoak(s: Surfaces, envIds: readonly string[], chaos: Chaos, events: Followed, journalLimit: number): Promise<CheckResult> {
  const result: CheckResult = { problems: [], checks: 0, emails: 0, journalDrops: 0 };
  const problem = (message: string) => result.problems.length < 40 && result.problems.push(message);
  const check = (ok: boolean, message: () => string) => {
    result.checks++;
    if (!ok) problem(message());
  };
  const seenEmailIds = new Map<string, string>();

  for (const env of envIds) {
    const { status, body } = await s.control("GET", `/environments/${env}/snapshot`);
    check(status === 200, () => `snapshot of ${env}: HTTP ${status}`);
    const emails: any[] = body.state.inbox.emails;
    const requests: any[] = body.state.authRequests;
    result.emails += emails.length;
    const requestIds = new Set(requests.map((r) => r.id as string));
    const listed = [...emails].reverse().map((e) => ({ id: e.id, seq: e.seq, auth_request_id: e.authRequestId, to: e.to }));
    for (const violation of inboxViolations(env, listed, requestIds)) problem(violation);
    result.checks += emails.length;
    for (const e of emails) {
      check(e.environmentId === env, () => `email ${e.id} in ${env} says it was captured in ${e.environmentId}`);
      const other = seenEmailIds.get(e.id);
      check(other === undefined, () => `email ${e.id} is in both ${other} and ${env}`);
      seenEmailIds.set(e.id, env);
    }
    for (const r of requests) check(r.environmentId === env, () => `auth request ${r.id} in ${env} says it belongs to ${r.environmentId}`);

    // The control API's listing and counts tell the same story as the snapshot.
    const [latest, stats] = await Promise.all([s.control("GET", `/environments/${env}/emails?limit=1000`), s.control("GET", `/environments/${env}/stats`)]);
    check(
      JSON.stringify(latest.body.emails.map((e: any) => [e.id, e.seq])) === JSON.stringify(listed.slice(0, 1000).map((e) => [e.id, e.seq])),
      () => `GET /emails of ${env} disagrees with its snapshot`,
    );
    check(stats.body.emails === emails.length && stats.body.auth_requests === requests.length, () => `stats of ${env}: ${JSON.stringify(stats.body)}`);

    // Each captured email announced once, in capture order, and nothing announced that the inbox lacks.
    const announced = events.captured.get(env) ?? [];
    check(
      JSON.stringify(announced.map((e) => [e.id, e.seq])) === JSON.stringify(emails.map((e) => [e.id, e.seq])),
      () => `${env}: ${announced.length} email.captured events for ${emails.length} emails in the inbox (or in another order)`,
    );

    // The journal: every server failure came from a rule injected into this environment, with that rule's code.
    const journal = await s.control("GET", `/environments/${env}/requests?limit=${journalLimit}`);
    const entries: any[] = journal.body.requests;
    check(entries.length < journalLimit, () => `${env}: the journal filled up (${entries.length}); raise journalLimit or shorten the soak`);
    const hitsByRule = new Map<string, number>();
    for (const entry of entries) {
      result.checks++;
      // A call meets rules twice: on arrival (fault_id) and, for a send or resend, when its email is delivered (mail_fault_id).
      for (const id of [entry.fault_id, entry.mail_fault_id]) {
        if (id === undefined) continue;
        hitsByRule.set(id, (hitsByRule.get(id) ?? 0) + 1);
        if (chaos.rules.get(id)?.env !== env) problem(`${env}: journal entry ${entry.seq} names fault ${id}, not a rule of this environment`);
      }
      if (entry.outcome === "CONNECTION_DROPPED") {
        result.journalDrops++;
        if (chaos.rules.get(entry.fault_id)?.kind !== "drop") problem(`${env}: call ${entry.seq} dropped without a drop rule (${entry.fault_id})`);
        continue;
      }
      const serverFailure = (entry.http_status ?? 0) >= 500 || SERVER_FAILURES.has(entry.grpc_code);
      if (!serverFailure) continue;
      const rule = chaos.rules.get(entry.fault_id);
      if (rule === undefined || rule.code !== entry.outcome) {
        problem(`${env}: ${entry.transport} ${entry.operation} ended ${entry.grpc_code}/${entry.http_status ?? "-"} ${entry.outcome} without an injected rule (${entry.fault_id ?? "none"})`);
      }
    }
    // Every call a rule acted on is both journaled and announced as fault.hit.
    for (const [id, rule] of chaos.rules) {
      if (rule.env !== env) continue;
      const journaled = hitsByRule.get(id) ?? 0;
      const announcedHits = events.faultHits.get(`${env}/${id}`) ?? 0;
      check(journaled === announcedHits, () => `${env}: fault ${id} journaled ${journaled} times, announced ${announcedHits}`);
    }
  }
  return result;
}

/** Client-side tallies against the journals: each drop the clients saw is one the mock journaled, and the other way round. */
export function dropsAgree(tally: Tally, journalDrops: number): boolean {
  return tally.drops.rest + tally.drops.grpc + tally.drops.token === journalDrops;
}
