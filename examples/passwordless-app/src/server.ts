import { serve } from "@hono/node-server";
import { ScalekitClient } from "@scalekit-sdk/node";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createApp } from "./app.js";

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/** Starts the example app against a Scalekit environment (real or mock). */
export async function startApp(env: { url: string; clientId: string; clientSecret: string }, port = 0, host = "127.0.0.1"): Promise<RunningApp> {
  const app = createApp({ scalekit: new ScalekitClient(env.url, env.clientId, env.clientSecret) });
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      resolve({
        url: `http://${host}:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

// `node build/examples/passwordless-app/src/server.js` (or `npm run example`) with the SCALEKIT_* variables set.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const missing = ["SCALEKIT_ENVIRONMENT_URL", "SCALEKIT_CLIENT_ID", "SCALEKIT_CLIENT_SECRET"].filter((name) => !process.env[name]);
  if (missing.length > 0) {
    process.stderr.write(`example app: set ${missing.join(", ")} (e.g. from the banner of npm start)\n`);
    process.exit(2);
  }
  const running = await startApp(
    { url: process.env.SCALEKIT_ENVIRONMENT_URL!, clientId: process.env.SCALEKIT_CLIENT_ID!, clientSecret: process.env.SCALEKIT_CLIENT_SECRET! },
    Number(process.env.PORT ?? 3000),
  );
  process.stdout.write(`example app on ${running.url}\n`);
  const stop = () => void running.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}
