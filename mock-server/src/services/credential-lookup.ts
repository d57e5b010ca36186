import { describeStatus, type AuthRequest } from "../domain/auth-request.js";
import type { CapturedEmail } from "../mail/email.js";
import type { EmailFilter } from "../mail/inbox.js";
import type { Environment } from "../state/environment.js";

export interface UsableCredentials {
  email: CapturedEmail;
  request: AuthRequest;
}

/**
 * The newest email matching `filter` whose code or link still works: its auth
 * request is pending (not verified, locked or expired) and no resend has
 * replaced its credentials.
 */
export function findUsableCredentials(env: Environment, filter: EmailFilter): UsableCredentials | undefined {
  const now = env.clock.now();
  for (const email of env.inbox.list(filter)) {
    const request = env.authRequest(email.authRequestId);
    if (request && describeStatus(request, now) === "pending" && request.credentials.generation === email.generation) {
      return { email, request };
    }
  }
  return undefined;
}

/**
 * Waits (real time) for usable credentials, woken by each captured email;
 * `want` narrows what counts (an email with a code, say).
 */
export function waitForUsableCredentials(
  env: Environment,
  filter: EmailFilter,
  timeoutMs: number,
  signal?: AbortSignal,
  want: (found: UsableCredentials) => boolean = () => true,
): Promise<UsableCredentials | undefined> {
  return env.inbox.waitFor(
    () => {
      const usable = findUsableCredentials(env, filter);
      return usable !== undefined && want(usable) ? usable : undefined;
    },
    timeoutMs,
    signal,
  );
}
