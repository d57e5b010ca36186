import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./cli.js";

/**
 * Runs suites/support/python/passwordless_client.py: Python's grpcio (the
 * C core gRPC stack Scalekit's Python SDK uses), from Debian's packages.
 * `.ci/run` installs them; elsewhere the tests skip, except with CI=true.
 */

/** Debian's interpreter, whose dist-packages hold python3-grpcio and python3-protobuf (a pyenv python3 on PATH does not). */
export const PYTHON = "/usr/bin/python3";
const SCRIPT = join(ROOT, "suites", "support", "python", "passwordless_client.py");
const PROTO_DIR = join(ROOT, "contracts", "proto");
/** What the client imports: the service, Scalekit's ErrorInfo, and the envelope of `grpc-status-details-bin`. */
const PROTOS = ["scalekit/v1/auth/passwordless.proto", "scalekit/v1/errdetails/errdetails.proto", "google/rpc/status.proto"];
const INSTALL = "apt-get install -y python3-grpcio python3-protobuf protobuf-compiler (as .ci/run does)";

function missingTools(): string | undefined {
  try {
    execFileSync(PYTHON, ["-c", "import grpc, google.protobuf"], { stdio: "pipe" });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim().split("\n").at(-1);
    return `${PYTHON} cannot import grpc and google.protobuf (${stderr || (error as Error).message}); ${INSTALL}`;
  }
  try {
    execFileSync("protoc", ["--version"], { stdio: "pipe" });
  } catch (error) {
    return `protoc does not run (${(error as Error).message}); ${INSTALL}`;
  }
  return undefined;
}

/**
 * The reason the Python gRPC tests cannot run here, or undefined when they
 * can. With CI=true missing tools are an error: CI must run these tests.
 */
export function pythonGrpcSkipReason(): string | undefined {
  const reason = missingTools();
  if (reason === undefined) return undefined;
  if (process.env.CI) throw new Error(`the Python gRPC tests must run in CI: ${reason}`);
  console.warn(`skipping the Python gRPC tests: ${reason}`);
  return reason;
}

/** How the client reaches the mock: plaintext HTTP/2 (h2c), or TLS trusting a CA. */
export interface Transport {
  /** host:port */
  target: string;
  /** PEM of the CA to trust; TLS when given. */
  caPem?: string;
  /** The name the server's certificate must carry, when not the target's host. */
  serverName?: string;
}

/** The transport for an environment URL: `http://` is h2c, `https://` needs the CA that signed the mock's certificate. */
export function transportFor(url: string, caPem?: string): Transport {
  const parsed = new URL(url);
  if (parsed.protocol === "https:" && caPem === undefined) throw new Error(`${url} is https: give the CA PEM that signed the mock's certificate`);
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  return { target: `${parsed.hostname}:${port}`, ...(parsed.protocol === "https:" && { caPem }) };
}

export type Method = "SendPasswordlessEmail" | "VerifyPasswordlessEmail" | "ResendPasswordlessEmail";

/** A form POST to the token endpoint over HTTPS, verified against the transport's CA (as the SDK's `requests` call). */
export interface TokenStep {
  token: { url: string; client_id: string; client_secret: string };
}

export interface Step {
  method: Method;
  /** The request message in proto JSON (field names as in the .proto). */
  request: Record<string, unknown>;
  /** Sent in this order; a key may repeat. */
  metadata?: [string, string][];
  /** Compress the request message with gzip (grpc-encoding: gzip). */
  gzip?: boolean;
}

export interface DecodedStatus {
  code: number;
  message: string;
  details: { type_url: string; error_info?: Record<string, unknown> & { error_code?: string } }[];
}

export type StepResult =
  | { ok: true; response: Record<string, unknown> }
  | {
      ok: false;
      /** grpc.StatusCode's name, e.g. "INVALID_ARGUMENT". */
      code: string;
      details: string;
      /** Binary (`-bin`) values in base64. */
      trailing_metadata: [string, string][];
      /** `grpc-status-details-bin` decoded; null when the trailer is absent. */
      status: DecodedStatus | null;
    };

/** A Python gRPC client: protos compiled once into a temporary folder, one Python process per `run`. */
export interface PythonGrpcClient {
  run(transport: Transport, steps: (Step | TokenStep)[]): Promise<StepResult[]>;
  close(): void;
}

export function pythonGrpcClient(): PythonGrpcClient {
  const dir = mkdtempSync(join(tmpdir(), "scalekit-mock-python-"));
  const generated = join(dir, "generated");
  mkdirSync(generated);
  execFileSync("protoc", [`--python_out=${generated}`, "-I", PROTO_DIR, ...PROTOS.map((p) => join(PROTO_DIR, p))], { stdio: "pipe" });
  let plans = 0;
  return {
    run: (transport, steps) => {
      const plan: Record<string, unknown> = { target: transport.target, steps };
      if (transport.caPem !== undefined) {
        plan.ca = join(dir, `ca-${plans++}.pem`);
        writeFileSync(plan.ca as string, transport.caPem);
      }
      if (transport.serverName !== undefined) plan.server_name = transport.serverName;
      return new Promise((resolve, reject) => {
        const child = execFile(PYTHON, [SCRIPT, generated], { timeout: 30_000 }, (error, stdout, stderr) => {
          if (error) reject(new Error(`${SCRIPT} failed: ${error.message}\n${stderr}`));
          else resolve((JSON.parse(stdout) as { results: StepResult[] }).results);
        });
        child.stdin!.end(JSON.stringify(plan));
      });
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
