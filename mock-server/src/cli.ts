#!/usr/bin/env node
import { helpText, parseCli } from "./cli-args.js";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, tlsMode } from "./config.js";
import { createMockScalekit, type MockTls } from "./index.js";
import { runCheckCommand } from "./contract/check-command.js";
import { versionLine } from "./contract/verified.js";
import { packageVersion } from "./runtime/package-root.js";

async function main(): Promise<void> {
  // Whoever started us may stop reading our output (a closed pipe); that is no reason to crash.
  process.stdout.on("error", () => undefined);
  const version = packageVersion();
  if (process.argv[2] === "check") {
    process.exitCode = await runCheckCommand(process.argv.slice(3));
    return;
  }
  let request;
  try {
    request = parseCli(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`scalekit-mock: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (request.kind === "help") {
    process.stdout.write(`${helpText(version)}\n`);
    return;
  }
  if (request.kind === "version") {
    process.stdout.write(`${versionLine(version)}\n`);
    return;
  }

  const { settings, ...options } = request.options;
  // A generated CA always lands in a file, so that it can be handed to a client as it is; one the
  // CLI chose is its own to remove at shutdown.
  const defaultCaFile = tlsMode(options) === "generated" && options.tlsCaOut === undefined;
  if (defaultCaFile) options.tlsCaOut = join(tmpdir(), `scalekit-mock-${options.port === 0 ? process.pid : options.port}-ca.pem`);
  let mock;
  try {
    mock = await createMockScalekit({ ...options, settings });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EADDRINUSE"
        ? `port ${options.port} is already in use; pick another with --port, or --port 0 for any free port`
        : code === "EADDRNOTAVAIL" || code === "ENOTFOUND"
          ? `cannot bind to host ${options.host}`
          : error instanceof Error
            ? error.message
            : String(error);
    process.stderr.write(`scalekit-mock: ${reason}\n`);
    process.exit(1);
  }

  process.stdout.write(
    [
      `scalekit-mock ${version} listening on ${mock.url}`,
      `  environment url   ${mock.url}`,
      `  client id         ${mock.clientId}`,
      // A secret given by flag, env var or file is never printed; the seed-derived default is public anyway.
      `  client secret     ${options.clientSecret === undefined ? `${mock.clientSecret} (derived from the seed)` : "as configured (not shown)"}`,
      `  inbox             ${mock.url}/_mock/ui`,
      ...(mock.tls === undefined ? [] : tlsBanner(mock.tls)),
      ...(options.adminToken !== undefined ? ["  control API       requires the admin token (Authorization: Bearer …)"] : []),
      `  seed              ${mock.seed}`,
      ...(options.smtpRelay !== undefined ? [`  smtp relay        ${new URL(options.smtpRelay).host}`] : []),
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stdout.write(`scalekit-mock: ${signal}, shutting down\n`);
    void mock.close().then(() => {
      if (defaultCaFile) rmSync(options.tlsCaOut!, { force: true });
      process.exit(0);
    });
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** The banner's TLS lines: where https:// answers and what to trust. */
function tlsBanner(tls: MockTls): string[] {
  return [
    `  https             ${tls.url} (same port as http://)`,
    ...(tls.tlsPortUrl === undefined ? [] : [`  tls-only port     ${tls.tlsPortUrl}`]),
    tls.ca === undefined
      ? "  certificate       as given with --tls-cert (valid for " + tls.names.join(", ") + ")"
      : `  ca certificate    ${tls.caFile ?? "(not written)"} (also at /_mock/v1/tls/ca.pem); valid for ${tls.names.join(", ")}`,
  ];
}

void main();
