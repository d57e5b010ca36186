// The load benchmark: every figure measured in one run on this machine and
// printed as a ratio to a bare node:http server answering constant JSON.
// Usage: npm run bench   (writes bench/results.json)
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { connect as http2Connect } from "node:http2";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = `${ROOT}dist/cli/cli.js`;
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 32;
/** Node flags as `npm start` and the Docker image pass them. */
const SHIPPED_FLAGS = ["--max-semi-space-size=4"];

/** Starts a child that prints a URL; resolves with it and the child. */
function child(args, match) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (chunk) => {
      out += chunk;
      const url = match.exec(out)?.[1];
      if (url) resolve({ url, proc, readyMs: performance.now() - started, out });
    });
    proc.once("exit", (code) => reject(new Error(`child exited ${code}: ${out}`)));
  });
}

/** A port nobody listens on right now. */
const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

async function waitFor(check, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const stop = (proc) => new Promise((resolve) => (proc.once("exit", resolve), proc.kill("SIGTERM")));

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: DURATION, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

const summary = (result) => ({
  rps: Math.round(result.requests.average),
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors + result.non2xx,
});

/** Starts the CLI with these Node flags, raises its retention to `keep`, and returns it with API headers. */
async function startMock(nodeFlags, seed, keep) {
  const started = await child([...nodeFlags, CLI, "--port", "0", "--seed", seed], /environment url\s+(\S+)[\s\S]*seed/);
  const secret = /client secret\s+(\S+)/.exec(started.out)[1];
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "skc_mock_default", client_secret: secret });
  const { access_token: token } = await fetch(`${started.url}/oauth/token`, { method: "POST", body: form }).then((r) => r.json());
  await fetch(`${started.url}/_mock/v1/settings`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ emailLimit: keep, authRequestLimit: keep, tokenTtl: 86_400 }),
  });
  return { ...started, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" } };
}

/** Sends to a new address per request (`prefix0@…`, `prefix1@…`) for the benchmark's duration. */
function sendLoad(baseUrl, headers, prefix) {
  let n = 0;
  return cannon({
    url: `${baseUrl}/api/v1/passwordless/email/send`,
    method: "POST",
    headers,
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: `${prefix}${n++}@example.com` }) }) }],
  });
}

const results = { machine: { cores: cpus().length, node: process.version }, durationSeconds: DURATION, connections: CONNECTIONS };

// (a) the ceiling: node:http with a constant JSON body.
const bare = await child(
  ["-e", `const s=require("http").createServer((q,r)=>{q.resume();q.on("end",()=>{r.writeHead(200,{"content-type":"application/json"});r.end('{"auth_request_id":"x","expires_at":"1","expires_in":300,"passwordless_type":"OTP"}')})});s.listen(0,"127.0.0.1",()=>console.log("http://127.0.0.1:"+s.address().port))`],
  /(http:\/\/\S+)/,
);
results.bare = summary(await cannon({ url: bare.url, method: "POST", body: "{}" }));
await stop(bare.proc);

// (f) CLI start-to-ready, five starts.
const readies = [];
for (let i = 0; i < 5; i++) {
  const started = await child([...SHIPPED_FLAGS, CLI, "--port", "0"], /environment url\s+(\S+)[\s\S]*seed/);
  readies.push(started.readyMs);
  await stop(started.proc);
}
results.cliReadyMs = Math.round(readies.sort((a, b) => a - b)[2]);

const mock = await startMock(SHIPPED_FLAGS, "bench", 200_000);
const auth = mock.headers;

// (b) REST send, email capture included: a new address per request.
results.restSend = summary(await sendLoad(mock.url, auth, "u"));

// (c) REST verify: successful verifies of auth requests sent beforehand.
const pool = [];
for (let batch = 0; batch < 100; batch++) {
  const sent = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      fetch(`${mock.url}/api/v1/passwordless/email/send`, { method: "POST", headers: auth, body: JSON.stringify({ email: `v${batch}-${i}@example.com` }) }).then((r) => r.json()),
    ),
  );
  for (const [i, s] of sent.entries()) {
    const otp = await fetch(`${mock.url}/_mock/v1/otp?email=v${batch}-${i}@example.com`).then((r) => r.json());
    pool.push({ code: otp.code, auth_request_id: s.auth_request_id });
  }
}
let next = 0;
results.restVerify = summary(
  await cannon({
    url: `${mock.url}/api/v1/passwordless/email/verify`,
    method: "POST",
    headers: auth,
    amount: pool.length,
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(pool[next++ % pool.length]) }) }],
  }),
);

// (d) gRPC send over one HTTP/2 connection, CONNECTIONS calls in flight.
{
  const session = http2Connect(mock.url);
  const { create, toBinary } = await import("@bufbuild/protobuf");
  const { SendPasswordlessRequestSchema } = await import(`${ROOT}dist/grpc/gen/scalekit/v1/auth/passwordless_pb.js`);
  let k = 0;
  const latencies = [];
  const one = () =>
    new Promise((resolve, reject) => {
      const message = toBinary(SendPasswordlessRequestSchema, create(SendPasswordlessRequestSchema, { email: `g${k++}@example.com` }));
      const frame = Buffer.alloc(5 + message.length);
      frame.writeUInt32BE(message.length, 1);
      Buffer.from(message).copy(frame, 5);
      const started = performance.now();
      const stream = session.request({ ":method": "POST", ":path": "/scalekit.v1.auth.passwordless.PasswordlessService/SendPasswordlessEmail", "content-type": "application/grpc", te: "trailers", authorization: auth.authorization });
      let status;
      stream.on("trailers", (t) => (status = t["grpc-status"]));
      stream.on("close", () => (latencies.push(performance.now() - started), status === "0" ? resolve() : reject(new Error(`grpc-status ${status}`))));
      stream.resume();
      stream.end(frame);
    });
  const deadline = performance.now() + DURATION * 1000;
  let errors = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) await one().catch(() => errors++);
    }),
  );
  session.close();
  latencies.sort((a, b) => a - b);
  results.grpcSend = { rps: Math.round(latencies.length / DURATION), p50: +latencies[Math.floor(latencies.length / 2)].toFixed(2), p99: +latencies[Math.floor(latencies.length * 0.99)].toFixed(2), errors };
}

// (e) long-poll wake-up: from the send's answer to the waiting long-poll's answer.
{
  const wakeups = [];
  for (let i = 0; i < 200; i++) {
    const to = `wake${i}@example.com`;
    const waiting = fetch(`${mock.url}/_mock/v1/emails/latest?to=${to}&wait=10s`).then(async (r) => (await r.arrayBuffer(), performance.now()));
    await new Promise((resolve) => setTimeout(resolve, 2));
    await fetch(`${mock.url}/api/v1/passwordless/email/send`, { method: "POST", headers: auth, body: JSON.stringify({ email: to }) }).then((r) => r.arrayBuffer());
    const sentAt = performance.now();
    wakeups.push((await waiting) - sentAt);
  }
  wakeups.sort((a, b) => a - b);
  results.longPollWakeupMs = { p50: +Math.max(0, wakeups[100]).toFixed(2), p99: +Math.max(0, wakeups[198]).toFixed(2) };
}
await stop(mock.proc);

// (g) RSS of the mock's own process after capturing 100k emails (retention raised to keep them
// all); the load comes from this process, so its garbage is not counted.
// Measured as `npm start` and the image run it (a 4 MB young generation), and with Node's defaults.
async function rssAfter100k(nodeFlags) {
  const probe = await startMock(nodeFlags, "rss", 100_000);
  const rssMb = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${probe.proc.pid}/status`, "utf8"))[1]) / 1024;
  const before = rssMb();
  const headers = probe.headers;
  for (let b = 0; b < 500; b++) {
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${probe.url}/api/v1/passwordless/email/send`, { method: "POST", headers, body: JSON.stringify({ email: `m${b}-${i}@example.com` }) }).then((r) => r.arrayBuffer()),
      ),
    );
  }
  const stats = await fetch(`${probe.url}/_mock/v1/stats`).then((r) => r.json());
  if (stats.emails !== 100_000) throw new Error(`expected 100000 emails, the mock holds ${stats.emails}`);
  // Ten idle seconds, as a shared mock has between test runs: V8 compacts the heap when allocation stops.
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  const after = { idleMb: Math.round(before), after100kMb: Math.round(rssMb()) };
  await stop(probe.proc);
  return after;
}
{
  const shipped = await rssAfter100k(SHIPPED_FLAGS);
  const defaults = await rssAfter100k([]);
  results.rssIdleMb = shipped.idleMb;
  results.rssAfter100kEmailsMb = shipped.after100kMb;
  results.rssAfter100kEmailsNodeDefaultsMb = defaults.after100kMb;
}

// (h) peers: other mocks that serve our generated OpenAPI, on the same send load. Installed on
// first use into bench/.peers (pinned, not part of the project's dependencies).
const PEERS = [
  {
    name: "Prism 5.14.2 (@stoplight/prism-cli, static examples)",
    package: "@stoplight/prism-cli@5.14.2",
    bin: "prism",
    args: (port) => ["mock", "-p", String(port), "-h", "127.0.0.1", "-v", "error", `${ROOT}contracts/openapi/scalekit-passwordless.json`],
  },
];
results.peers = [];
for (const peer of PEERS) {
  const dir = `${ROOT}bench/.peers`;
  const bin = `${dir}/node_modules/.bin/${peer.bin}`;
  try {
    if (!existsSync(bin)) {
      mkdirSync(dir, { recursive: true });
      if (!existsSync(`${dir}/package.json`)) writeFileSync(`${dir}/package.json`, '{ "name": "bench-peers", "private": true }\n');
      console.error(`installing ${peer.package} into bench/.peers …`);
      execFileSync("npm", ["install", "--no-audit", "--no-fund", "--save-exact", peer.package], { cwd: dir, stdio: "ignore" });
    }
    const port = await freePort();
    const proc = spawn(bin, peer.args(port), { stdio: ["ignore", "ignore", "inherit"] });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(() => fetch(`${url}/keys`).then((r) => r.ok, () => false), 30_000);
    const measured = summary(await sendLoad(url, auth, "p"));
    await stop(proc);
    results.peers.push({ name: peer.name, ...measured });
  } catch (error) {
    results.peers.push({ name: peer.name, skipped: String(error.message ?? error).split("\n")[0] });
  }
}

const ratio = (rps) => `${((rps / results.bare.rps) * 100).toFixed(0)} %`;
const rows = [
  ["bare node:http, constant JSON (ceiling)", results.bare, "100 %"],
  ["REST send (with email capture)", results.restSend, ratio(results.restSend.rps)],
  ["REST verify (successful)", results.restVerify, ratio(results.restVerify.rps)],
  ["gRPC send (h2c, 1 connection)", results.grpcSend, ratio(results.grpcSend.rps)],
  ...results.peers.filter((peer) => peer.rps !== undefined).map((peer) => [`peer: ${peer.name}, REST send`, peer, ratio(peer.rps)]),
];
console.log(`machine: ${results.machine.cores} cores, node ${results.machine.node}; ${DURATION}s per load, ${CONNECTIONS} connections / streams`);
console.log("| load | req/s | vs bare | p50 ms | p99 ms | errors |");
console.log("|---|---|---|---|---|---|");
for (const [name, r, vs] of rows) console.log(`| ${name} | ${r.rps} | ${vs} | ${r.p50} | ${r.p99} | ${r.errors} |`);
console.log(`long-poll wake-up (send answered -> waiter answered): p50 ${results.longPollWakeupMs.p50} ms, p99 ${results.longPollWakeupMs.p99} ms (target < 5 ms)`);
console.log(`CLI start-to-ready: ${results.cliReadyMs} ms (median of 5; target < 300 ms)`);
console.log(
  `RSS of the mock after capturing 100k emails: ${results.rssAfter100kEmailsMb} MB as npm start runs it (${results.rssIdleMb} MB at start; target < 200 MB); ${results.rssAfter100kEmailsNodeDefaultsMb} MB with Node's default heap flags`,
);
for (const peer of results.peers.filter((peer) => peer.skipped !== undefined)) console.log(`peer ${peer.name}: not measured (${peer.skipped})`);
for (const peer of results.peers.filter((peer) => peer.rps !== undefined)) {
  console.log(`REST send vs ${peer.name}: ${(results.restSend.rps / peer.rps).toFixed(2)}× its req/s`);
}
writeFileSync(`${ROOT}bench/results.json`, `${JSON.stringify(results, null, 2)}\n`);
