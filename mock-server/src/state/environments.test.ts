import { describe, expect, it } from "vitest";
import { defaultSettings } from "../domain/settings.js";
import { EnvironmentError } from "../domain/environment-error.js";
import { EnvironmentStore, MAX_ENVIRONMENTS } from "./environments.js";
import { EventBus } from "./events.js";

describe("the environment store", () => {
  it("D35: holds at most 10,000 environments, the default included, and takes another once one is deleted", () => {
    const store = new EnvironmentStore({ seed: "limit", bus: new EventBus(), clientId: "skc_default", clientSecret: "secret", settings: defaultSettings() });
    expect(MAX_ENVIRONMENTS).toBe(10_000);
    let last = store.default;
    for (let i = 1; i < 10_000; i++) last = store.create();
    const refused = (() => {
      try {
        store.create();
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(EnvironmentError);
    expect(refused).toMatchObject({ reason: "limit", message: expect.stringContaining("at most 10000 environments") });
    store.delete(last.id);
    expect(store.create().id).toBeDefined();
  });
});
