// Overhead of the fault matcher: REST send p50/p95 with no rules, then with
// 100 rules that each must be checked and none of which acts.
// Usage: npm run build && node bench/faults.mjs
import { cpus } from "node:os";
import { createMockScalekit } from "../dist/index.js";
import { percentile } from "./measure.mjs";

const mock = await createMockScalekit({ seed: "bench-faults" });
const form = new URLSearchParams({ grant_type: "client_credentials", client_id: mock.clientId, client_secret: mock.clientSecret });
const { access_token } = await fetch(`${mock.url}/oauth/token`, { method: "POST", body: form }).then((r) => r.json());
const headers = { authorization: `Bearer ${access_token}`, "content-type": "application/json" };

async function sends(label, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await fetch(`${mock.url}/api/v1/passwordless/email/send`, { method: "POST", headers, body: JSON.stringify({ email: `${label}${i}@example.com` }) });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`send failed: ${response.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

const rounds = 3;
const none = [];
const hundred = [];
await sends("warm", 500);
for (let round = 0; round < rounds; round++) {
  mock.faults.clear();
  none.push(...(await sends(`none${round}-`, 1000)));
  // Rules that match the operation but not the address: each one is checked on every send.
  for (let i = 0; i < 100; i++) mock.faults.add({ operation: "send", match: { email: `*@blocked-${i}.example` }, error: "Unavailable" });
  hundred.push(...(await sends(`hundred${round}-`, 1000)));
}
await mock.close();

const p50None = percentile(none, 50);
const p50Hundred = percentile(hundred, 50);
console.log(`machine: ${cpus().length} cores, node ${process.version}`);
console.log(`REST send, no fault rules   (${none.length}): p50 ${p50None.toFixed(3)} ms, p95 ${percentile(none, 95).toFixed(3)} ms`);
console.log(`REST send, 100 fault rules  (${hundred.length}): p50 ${p50Hundred.toFixed(3)} ms, p95 ${percentile(hundred, 95).toFixed(3)} ms`);
console.log(`overhead of 100 rules at p50: ${(p50Hundred - p50None).toFixed(3)} ms (${((p50Hundred / p50None - 1) * 100).toFixed(1)} %)`);
