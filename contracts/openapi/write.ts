import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot, packageVersion } from "../../mock-server/src/runtime/package-root.js";
import { OPENAPI_DOCUMENTS } from "../../mock-server/src/openapi/build.js";

/** `npm run generate:openapi`: writes contracts/openapi/*.json from the zod schemas. */
for (const [name, build] of Object.entries(OPENAPI_DOCUMENTS)) {
  const path = join(packageRoot(), "contracts", "openapi", `${name}.json`);
  writeFileSync(path, `${JSON.stringify(build(packageVersion()), null, 2)}\n`);
  process.stdout.write(`wrote ${path}\n`);
}
