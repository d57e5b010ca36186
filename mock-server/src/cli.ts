#!/usr/bin/env node
import { ConfigError, helpText, parseCli } from "./config.js";
import { createMockScalekit } from "./index.js";
import { packageVersion } from "./runtime/package-root.js";

async function main(): Promise<void> {
  // Whoever started us may stop reading our output (a closed pipe); that is no reason to crash.
  process.stdout.on("error", () => undefined);
  const version = packageVersion();
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
    process.stdout.write(`${version}\n`);
    return;
  }

  const { settings, ...options } = request.options;
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
    void mock.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

void main();
