import { createMockScalekit } from "./dist/mock-server/src/index.js";
import { ScalekitClient } from "@scalekit-sdk/node";
const mock = await createMockScalekit();
const sk = new ScalekitClient(mock.url, mock.clientId, mock.clientSecret);
await sk.passwordless.sendPasswordlessEmail("ana@example.com");
const t = performance.now();
await mock.close();
console.log("close ms", (performance.now() - t).toFixed(0));
