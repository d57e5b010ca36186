/**
 * Follows the event stream of every environment (`GET /events?environment=*`,
 * HTTP/1.1) and keeps what the soak checks: captured emails and fault hits,
 * per environment, in the order they came.
 */

export interface Followed {
  captured: Map<string, Array<{ id: string; seq: number }>>;
  faultHits: Map<string, number>;
  other: number;
  /** Resolves once an event of `type` for `environment` has arrived. */
  seen(type: string, environment: string, timeoutMs: number): Promise<boolean>;
  stop(): void;
}

export async function followEvents(url: string): Promise<Followed> {
  const controller = new AbortController();
  const response = await fetch(`${url}/_mock/v1/events?environment=*`, { signal: controller.signal });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const waiters: Array<{ type: string; environment: string; resolve: (seen: boolean) => void }> = [];
  const followed: Followed = {
    captured: new Map(),
    faultHits: new Map(),
    other: 0,
    seen: (type, environment, timeoutMs) =>
      new Promise((resolve) => {
        const waiter = { type, environment, resolve };
        waiters.push(waiter);
        setTimeout(() => resolve(false), timeoutMs).unref();
      }),
    stop: () => controller.abort(),
  };
  const onEvent = (type: string, data: any) => {
    const env: string = data.environment_id;
    if (type === "email.captured") {
      const list = followed.captured.get(env) ?? [];
      list.push({ id: data.id, seq: data.seq });
      followed.captured.set(env, list);
    } else if (type === "fault.hit") {
      const key = `${env}/${data.fault_id}`;
      followed.faultHits.set(key, (followed.faultHits.get(key) ?? 0) + 1);
    } else {
      followed.other++;
    }
    for (const waiter of waiters.filter((w) => w.type === type && w.environment === env)) waiter.resolve(true);
  };
  void (async () => {
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (type !== undefined && data !== undefined) onEvent(type, JSON.parse(data));
        }
      }
    } catch {
      // Aborted by stop().
    }
  })();
  return followed;
}
