import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ScalekitMockClient } from "../mock-server/src/client/index.js";
import { CLI, ROOT, runCli, startCli, type RunningCli } from "./support/cli.js";
import { restSession } from "./support/rest.js";

/** `--templates DIR`: email templates every environment starts with, checked at start. */

const running: RunningCli[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.stop("SIGKILL")));
});

/** A template folder: a manifest with a SIGNIN template of a text body only, and that file. */
function templateDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "scalekit-mock-templates-"));
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ from: "Acme <no-reply@acme.test>", templates: { SIGNIN: { subject: "Acme code {{otp}}", text: "signin.txt" } } }));
  writeFileSync(join(dir, "signin.txt"), text);
  return dir;
}

describe("scalekit-mock --templates", () => {
  it("starts every environment with the folder's templates; types it leaves out stay packaged", async () => {
    const cli = await startCli(process.execPath, [CLI, "--port", "0", "--templates", templateDir("Hi {{ first_name }}, your code is {{otp}}.")]);
    running.push(cli);
    const control = new ScalekitMockClient(cli.url);
    const env = await control.environments.create({ id: "later" });
    for (const client of [control, control.forEnvironment(env.id)]) {
      expect(await client.templates.get("SIGNIN")).toMatchObject({ custom: true, subject: "Acme code {{otp}}", variables_required: ["first_name"] });
      expect((await client.templates.get("SIGNUP")).custom).toBe(false);
    }
    const defaults = await control.environments.get("default");
    const api = await restSession({ url: cli.url, clientId: defaults.client_id, clientSecret: defaults.client_secret! });
    expect((await api.send({ email: "ana@example.com", template_variables: { first_name: "Ana" } })).status).toBe(200);
    const email = await control.inbox.latest({ to: "ana@example.com" });
    expect(email).toMatchObject({ from: "Acme <no-reply@acme.test>", subject: `Acme code ${email.otp}`, text: `Hi Ana, your code is ${email.otp}.` });
    expect(email.html).toBeUndefined();
  });

  it("takes the folder from SCALEKIT_MOCK_TEMPLATES and the config file's templates key too", async () => {
    const byEnv = await startCli(process.execPath, [CLI, "--port", "0"], { SCALEKIT_MOCK_TEMPLATES: templateDir("{{otp}}") });
    running.push(byEnv);
    expect((await new ScalekitMockClient(byEnv.url).templates.get("SIGNIN")).custom).toBe(true);
    const config = join(mkdtempSync(join(tmpdir(), "scalekit-mock-")), "config.json");
    writeFileSync(config, JSON.stringify({ templates: templateDir("{{otp}}") }));
    const byFile = await startCli(process.execPath, [CLI, "--port", "0", "--config", config]);
    running.push(byFile);
    expect((await new ScalekitMockClient(byFile.url).templates.get("SIGNIN")).custom).toBe(true);
  });

  it("reads the packaged folder itself", async () => {
    const dir = mkdtempSync(join(tmpdir(), "scalekit-mock-packaged-"));
    cpSync(join(ROOT, "fixtures", "email-templates"), dir, { recursive: true });
    const cli = await startCli(process.execPath, [CLI, "--port", "0", "--templates", dir]);
    running.push(cli);
    expect((await new ScalekitMockClient(cli.url).templates.list()).map((t) => t.custom)).toEqual([true, true]);
  });

  it("refuses to start with a broken template, naming the file, line and column and what to do", async () => {
    const dir = templateDir("Hello\n\n  {{#otp}}code");
    const refused = await runCli(["--port", "0", "--templates", dir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toBe(`scalekit-mock: ${join(dir, "signin.txt")}: line 3, column 3: Unclosed section "otp"; fix the template and start again\n`);
  });

  it("refuses to start without a manifest, or with a file the manifest names missing", async () => {
    const empty = mkdtempSync(join(tmpdir(), "scalekit-mock-empty-"));
    expect((await runCli(["--port", "0", "--templates", empty])).stderr).toContain(`cannot read ${join(empty, "manifest.json")} (the template manifest): ENOENT`);
    const dir = templateDir("x");
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ templates: { SIGNUP: { subject: "s", html: "missing.html" } } }));
    expect((await runCli(["--port", "0", "--templates", dir])).stderr).toContain(`cannot read ${join(dir, "missing.html")} (the html body of SIGNUP): ENOENT`);
  });
});
