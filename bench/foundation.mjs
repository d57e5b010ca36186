// Start-up and round-trip figures of the mock, measured in one run.
// Usage: npm run build && node bench/foundation.mjs
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cpus } from "node:os";
import { createMockScalekit } from "../dist/mock-server/src/index.js";

const cli = fileURLToPath(new URL("../dist/mock-server/src/cli.js", import.meta.url));

function startToReady() {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes("seed")) {
        const ms = performance.now() - started;
        child.kill("SIGTERM");
        child.once("exit", () => resolve(ms));
      }
    });
    child.once("error", reject);
  });
}

const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

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

const ready = [];
for (let i = 0; i < 5; i++) ready.push(await startToReady());
await roundTrips(200); // warm-up
const trips = await roundTrips(1000);

console.log(`machine: ${cpus().length} cores, node ${process.version}`);
console.log(`CLI start-to-ready (5 runs): median ${percentile(ready, 50).toFixed(0)} ms, max ${Math.max(...ready).toFixed(0)} ms`);
console.log(
  `send+inbox+verify round trip over HTTP, in-process (1000 runs): p50 ${percentile(trips, 50).toFixed(2)} ms, p99 ${percentile(trips, 99).toFixed(2)} ms`,
);
