import { GenericContainer, Wait, type StartedNetwork, type StartedTestContainer } from "testcontainers";
import type { ListAnswer } from "./header-list-http.js";

/**
 * A client container on the mock's network that does what grpc-java does: it
 * dials `https://<alias>` with no port (so 443), negotiates h2 by ALPN,
 * checks the certificate against the name it dialed, and trusts the mock's CA
 * only because it was given it (here NODE_EXTRA_CA_CERTS, for Java a trust
 * store). It runs the scalekit-mock image with `node` as the entrypoint: the
 * image has Node and nothing else the client needs.
 */

const SCRIPT_PATH = "/tmp/tls-client.cjs";
const CA_PATH = "/tmp/scalekit-mock-ca.pem";

/**
 * `node tls-client.cjs token <base> <id> <secret>`: a client-credentials token over https://.
 * `node tls-client.cjs grpc <base> <path> <token> <frame base64>`: one unary gRPC call over h2.
 * Prints one JSON line: what came back, the ALPN protocol and the port dialed,
 * or `{error}` with the TLS error's code.
 */
const CLIENT_SCRIPT = String.raw`
const https = require("node:https");
const http2 = require("node:http2");
const [op, base, ...args] = process.argv.slice(2);
const print = (result) => process.stdout.write(JSON.stringify(result) + "\n");
const fail = (error) => print({ error: error.code || error.message });
if (op === "token") {
  const [clientId, clientSecret] = args;
  const body = new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }).toString();
  const request = https.request(base + "/oauth/token", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }, (response) => {
    const remotePort = response.socket.remotePort; // the socket is let go once the body has been read
    let text = "";
    response.setEncoding("utf8");
    response.on("data", (chunk) => (text += chunk));
    response.on("end", () => print({ status: response.statusCode, remotePort, body: text }));
  });
  request.on("error", fail);
  request.end(body);
} else if (op === "grpc") {
  const [path, token, frame] = args;
  const session = http2.connect(base);
  session.on("error", fail);
  const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", authorization: "Bearer " + token });
  const chunks = [];
  let headers = {};
  let trailers = {};
  stream.on("response", (h) => (headers = h));
  stream.on("trailers", (t) => (trailers = t));
  stream.on("data", (chunk) => chunks.push(chunk));
  stream.on("end", () => {
    print({ alpn: session.alpnProtocol, remotePort: session.socket.remotePort, status: Number(headers[":status"]), headers, trailers, body: Buffer.concat(chunks).toString("base64") });
    session.close();
  });
  stream.on("error", fail);
  stream.end(Buffer.from(frame, "base64"));
} else {
  print({ error: "unknown operation " + op });
}
`;

/** Node as PID 1 ignores SIGTERM unless told: exit on it, so stopping the container is quick. */
const KEEP_ALIVE = `process.on("SIGTERM", () => process.exit(0)); console.log("client ready"); setInterval(() => {}, 1 << 30);`;

export interface TlsClientContainer {
  /** POST `${base}/oauth/token`; `trustCa: false` runs without NODE_EXTRA_CA_CERTS. */
  token(base: string, clientId: string, clientSecret: string, o?: { trustCa?: boolean }): Promise<{ status?: number; remotePort?: number; body?: string; error?: string }>;
  /** One unary gRPC call over h2 to `base`; the answer as the hand-built gRPC helpers read it, plus ALPN and port. */
  grpc(base: string, path: string, token: string, frame: Buffer): Promise<{ answer: ListAnswer; alpn: string; remotePort: number }>;
  stop(): Promise<void>;
}

/** Starts the client container on `network` with the script and the CA copied in. */
export async function startTlsClient(image: string, network: StartedNetwork, ca: string): Promise<TlsClientContainer> {
  const container: StartedTestContainer = await new GenericContainer(image)
    .withNetwork(network)
    // Podman reports every port the image EXPOSEs as bound, and Testcontainers waits for each to be mapped.
    .withExposedPorts(8787)
    .withEntrypoint(["node", "-e", KEEP_ALIVE])
    .withCopyContentToContainer([
      { content: CLIENT_SCRIPT, target: SCRIPT_PATH, mode: 0o644 },
      { content: ca, target: CA_PATH, mode: 0o644 },
    ])
    .withWaitStrategy(Wait.forLogMessage("client ready"))
    .withStartupTimeout(60_000)
    .start();
  const run = async (args: string[], trustCa: boolean): Promise<Record<string, unknown>> => {
    const result = await container.exec(["node", SCRIPT_PATH, ...args], trustCa ? { env: { NODE_EXTRA_CA_CERTS: CA_PATH } } : {});
    const line = result.stdout.trim().split("\n").at(-1) ?? "";
    if (result.exitCode !== 0 || !line.startsWith("{")) throw new Error(`client script failed (exit ${result.exitCode}): ${result.output}`);
    return JSON.parse(line) as Record<string, unknown>;
  };
  return {
    token: (base, clientId, clientSecret, o = {}) => run(["token", base, clientId, clientSecret], o.trustCa ?? true),
    grpc: async (base, path, token, frame) => {
      const out = await run(["grpc", base, path, token, frame.toString("base64")], true);
      if (typeof out.error === "string") throw new Error(`gRPC call from the client container failed: ${out.error}`);
      const answer: ListAnswer = {
        status: out.status as number,
        headers: out.headers as ListAnswer["headers"],
        trailers: out.trailers as ListAnswer["trailers"],
        body: Buffer.from(out.body as string, "base64"),
      };
      return { answer, alpn: out.alpn as string, remotePort: out.remotePort as number };
    },
    stop: async () => {
      await container.stop({ timeout: 2_000 });
    },
  };
}
