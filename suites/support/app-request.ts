import { settingsSchema } from "../../mock-server/src/domain/settings.js";
import { createHttpApp } from "../../mock-server/src/http/app.js";
import { createMockServices } from "../../mock-server/src/services/mock-services.js";

export const CLIENT = { id: "skc_routes", secret: "routes-secret" };

/** The whole Hono app over fresh services, to call with `app.request()`: no server, no socket. */
export function appWithoutSocket() {
  const shutdown = new AbortController();
  const services = createMockServices({
    seed: "routes",
    clientId: CLIENT.id,
    clientSecret: CLIENT.secret,
    settings: settingsSchema.parse({}),
    issuer: () => "http://localhost",
    shutdown: shutdown.signal,
  });
  const app = createHttpApp({ ...services, version: "test", hostPolicy: { allowedHosts: [], ownNames: [] }, shutdown: shutdown.signal, tls: { mode: "off" } });
  return { app, control: services.control };
}
