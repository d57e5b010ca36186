// Start-up and round-trip figures of the mock, measured in one run.
// Usage: npm run build && node bench/foundation.mjs
import { cpus } from "node:os";
import { ScalekitClient } from "@scalekit-sdk/node";
import { createMockScalekit } from "../dist/index.js";
import { percentile, startToReady } from "./measure.mjs";

async function roundTrips(n) {
  const mock = await createMockScalekit();
  const tokenResponse = await fetch(`${mock.url}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: mock.clientId, client_secret: mock.clientSecret }),
  }).then((r) => r.json());
  const headers = { authorization: `Bearer ${tokenResponse.access_token}`, "content-type": "application/json" };
  const post = (op, body) => fetch(`${mock.url}/api/v1/passwordless/email/${op}`, { method: "POST", headers, body: JSON.stringify(body) }).then((r) => r.json());
  const times = [];
  for (let i = 0; i < n; i++) {
    const email = `user${i}@example.com`;
    const started = performance.now();
    const sent = await post("send", { email });
    const { code } = await mock.inbox.waitForOtp(email);
    const verified = await post("verify", { code, auth_request_id: sent.auth_request_id });
    if (verified.email !== email) throw new Error(`verify failed: ${JSON.stringify(verified)}`);
    times.push(performance.now() - started);
  }
  await mock.close();
  return times;
}

/** The same flow through the official SDK (gRPC over h2c). */
async function sdkRoundTrips(n) {
  const mock = await createMockScalekit();
  const scalekit = new ScalekitClient(mock.url, mock.clientId, mock.clientSecret);
  const times = [];
  for (let i = 0; i < n; i++) {
    const email = `user${i}@example.com`;
    const started = performance.now();
    const sent = await scalekit.passwordless.sendPasswordlessEmail(email);
    const { code } = await mock.inbox.waitForOtp(email);
    const verified = await scalekit.passwordless.verifyPasswordlessEmail({ code }, sent.authRequestId);
    if (verified.email !== email) throw new Error("verify failed");
    times.push(performance.now() - started);
  }
  await mock.close();
  return times;
}

const ready = [];
for (let i = 0; i < 5; i++) ready.push(await startToReady());
await roundTrips(200); // warm-up
const trips = await roundTrips(1000);
await sdkRoundTrips(200); // warm-up
const sdkTrips = await sdkRoundTrips(1000);

console.log(`machine: ${cpus().length} cores, node ${process.version}`);
console.log(`CLI start-to-ready (5 runs): median ${percentile(ready, 50).toFixed(0)} ms, max ${Math.max(...ready).toFixed(0)} ms`);
const line = (name, times) =>
  console.log(
    `${name} (${times.length} runs): p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms`,
  );
line("send+inbox+verify round trip, REST via fetch, in-process server", trips);
line("send+inbox+verify round trip, @scalekit-sdk/node (gRPC/h2c), in-process server", sdkTrips);
