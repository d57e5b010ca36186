import { streamSSE } from "hono/streaming";
import type { Hono } from "hono";
import type { ControlOf } from "./control-routes.js";
import type { HttpDeps } from "./deps.js";

const HEARTBEAT_MS = 15_000;

/** `GET /events`: server-sent events of one environment, or of every one with `?environment=*`. */
export function registerEventRoutes(app: Hono, deps: HttpDeps, controlOf: ControlOf): void {
  app.get("/events", (c) => {
    const only = c.req.query("environment") === "*" ? undefined : controlOf(c);
    return streamSSE(c, async (stream) => {
      let chain = Promise.resolve();
      const unsubscribe = (only ?? deps.control).subscribe((event) => {
        const data = JSON.stringify({ ...event.data, environment_id: event.environmentId });
        chain = chain.then(() => stream.writeSSE({ id: String(event.id), event: event.type, data }));
      });
      await stream.write(`: scalekit-mock events for ${only?.id ?? "every environment"}\n\n`);
      const heartbeat = setInterval(() => {
        chain = chain.then(async () => {
          await stream.write(": heartbeat\n\n");
        });
      }, HEARTBEAT_MS);
      await new Promise<void>((resolve) => {
        const signal = AbortSignal.any([c.req.raw.signal, deps.shutdown]);
        if (signal.aborted) resolve();
        signal.addEventListener("abort", () => resolve(), { once: true });
        stream.onAbort(resolve);
      });
      clearInterval(heartbeat);
      unsubscribe();
      await chain.catch(() => undefined);
    });
  });
}
