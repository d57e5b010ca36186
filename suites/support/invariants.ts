/**
 * What must hold of any environment's inbox, whatever happened before:
 * `seq` strictly increasing in capture order (so strictly decreasing in the
 * newest-first listing), no email listed twice, and every email belonging to
 * an auth request of the same environment. Returns the violations found, so
 * a caller can report all of them at once.
 */

export interface ListedEmail {
  id: string;
  seq: number;
  auth_request_id: string;
  to: string;
}

export function inboxViolations(environment: string, newestFirst: readonly ListedEmail[], authRequestIds: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const seqs = new Set<number>();
  for (let i = 0; i < newestFirst.length; i++) {
    const email = newestFirst[i]!;
    if (ids.has(email.id)) problems.push(`${environment}: email ${email.id} is listed twice`);
    if (seqs.has(email.seq)) problems.push(`${environment}: seq ${email.seq} is used by two emails`);
    ids.add(email.id);
    seqs.add(email.seq);
    const older = newestFirst[i + 1];
    if (older !== undefined && !(older.seq < email.seq)) {
      problems.push(`${environment}: seq does not increase in capture order (${older.seq} listed before-in-time ${email.seq})`);
    }
    if (!authRequestIds.has(email.auth_request_id)) {
      problems.push(`${environment}: email ${email.id} (seq ${email.seq}) names auth request ${email.auth_request_id}, which this environment does not have`);
    }
  }
  return problems;
}
