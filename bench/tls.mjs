// TLS figures of the mock, measured in one run: CLI start-to-ready with and without --tls, the TLS handshake,
// the official SDK's first call over https:// (token over TLS, handshake, h2 by ALPN, send),
// and its send+inbox+verify round trip over https:// against http:// on the same port.
// Usage: npm run build && node bench/tls.mjs
//
// The SDK trusts a CA only through NODE_EXTRA_CA_CERTS, which Node reads at start: the SDK
// part runs in a child process started with it, against a mock this process runs.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { fileURLToPath } from "node:url";
import { percentile, startToReady } from "./measure.mjs";

/** The child: the SDK over each URL, timed. */
async function sdkChild() {
  const { ScalekitClient } = await import("@scalekit-sdk/node");
  const [url, httpsUrl, clientId, clientSecret, rounds] = process.argv.slice(3);
  const otp = (email) => fetch(`${url}/_mock/v1/otp?email=${encodeURIComponent(email)}&wait=5s`).then((r) => r.json());
  const firstCall = async (base) => {
    const started = performance.now();
    const client = new ScalekitClient(base, clientId, clientSecret);
    await client.passwordless.sendPasswordlessEmail(`first-${base.startsWith("https") ? "https" : "http"}@example.com`);
    return { ms: performance.now() - started, client };
  };
  // The very first client also pays for loading and compiling the SDK: a throwaway one takes that.
  await firstCall(url);
  const first = { http: await firstCall(url), https: await firstCall(httpsUrl) };
  const times = { http: [], https: [] };
  for (let i = 0; i < Number(rounds); i++) {
    // Interleaved, so both see the same machine load.
    for (const scheme of i % 2 === 0 ? ["http", "https"] : ["https", "http"]) {
      const email = `${scheme}-${i}@example.com`;
      const started = performance.now();
      const sent = await first[scheme].client.passwordless.sendPasswordlessEmail(email);
      const { code } = await otp(email);
      const verified = await first[scheme].client.passwordless.verifyPasswordlessEmail({ code }, sent.authRequestId);
      if (verified.email !== email) throw new Error(`verify over ${scheme} failed`);
      times[scheme].push(performance.now() - started);
    }
  }
  process.stdout.write(JSON.stringify({ first: { http: first.http.ms, https: first.https.ms }, times }));
}

/** Milliseconds from connecting to a finished handshake (ALPN h2), one new connection at a time. */
async function handshakeTimes(mock, n) {
  const port = Number(new URL(mock.tls.url).port);
  const times = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", ca: mock.tls.ca, ALPNProtocols: ["h2"] }, () => {
        times.push(performance.now() - started);
        socket.destroy();
        resolve();
      });
      socket.on("error", reject);
    });
  }
  return times;
}

async function main() {
  const plain = [];
  const tls = [];
  for (let i = 0; i < 7; i++) {
    plain.push(await startToReady([]));
    tls.push(await startToReady(["--tls", "--tls-ca-out", join(mkdtempSync(join(tmpdir(), "bench-tls-")), "ca.pem")]));
  }
  const { createMockScalekit } = await import("../dist/index.js");
  const caFile = join(mkdtempSync(join(tmpdir(), "bench-tls-")), "ca.pem");
  const mock = await createMockScalekit({ seed: "bench-tls", tls: true, tlsCaOut: caFile });
  const handshakes = await handshakeTimes(mock, 200);
  const rounds = 1000;
  const output = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--sdk-child", mock.url, mock.tls.url, mock.clientId, mock.clientSecret, String(rounds)], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`SDK child exited ${code}`))));
  });
  await mock.close();

  const line = (name, times) => `${name.padEnd(34)} p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms`;
  console.log(`machine: ${cpus().length} cores, node ${process.version}`);
  console.log(`CLI start-to-ready (7 runs each): median ${percentile(plain, 50).toFixed(0)} ms plain, ${percentile(tls, 50).toFixed(0)} ms with --tls`);
  console.log(`TLS handshake alone (${handshakes.length}, to secureConnect): p50 ${percentile(handshakes, 50).toFixed(2)} ms, p95 ${percentile(handshakes, 95).toFixed(2)} ms`);
  console.log(`SDK first call (new client, SDK loaded: token, connect, send): ${output.first.http.toFixed(1)} ms over http://, ${output.first.https.toFixed(1)} ms over https://`);
  console.log(line(`SDK send+inbox+verify, http:// (${rounds})`, output.times.http));
  console.log(line(`SDK send+inbox+verify, https:// (${rounds})`, output.times.https));
  console.log(`https:// / http:// p50 ratio: ${(percentile(output.times.https, 50) / percentile(output.times.http, 50)).toFixed(2)}`);
}

if (process.argv[2] === "--sdk-child") await sdkChild();
else await main();
