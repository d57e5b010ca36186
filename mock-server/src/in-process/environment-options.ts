import type { NewEnvironmentBody } from "../schemas/control.js";
import type { SettingsInput } from "../domain/settings.js";

/** A new environment as the in-process API takes it; what is left out derives from the server seed. */
export interface NewEnvironmentOptions {
  id?: string;
  clientId?: string;
  clientSecret?: string;
  settings?: SettingsInput;
  /** Ids, codes, links and fault draws of the environment derive from it. */
  seed?: string;
}

/** The same request in the control API's words, so both are validated by one schema. */
export function newEnvironmentBody(options: NewEnvironmentOptions): Partial<Record<keyof NewEnvironmentBody, unknown>> {
  return {
    ...(options.id !== undefined && { id: options.id }),
    ...(options.clientId !== undefined && { client_id: options.clientId }),
    ...(options.clientSecret !== undefined && { client_secret: options.clientSecret }),
    ...(options.seed !== undefined && { seed: options.seed }),
    ...(options.settings !== undefined && { settings: options.settings }),
  };
}
