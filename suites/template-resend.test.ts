import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockScalekit, type MockScalekit } from "../mock-server/src/index.js";
import { restSession, type RestSession } from "./support/rest.js";

/** A resend whose template changed since the send: the request's own state answers first. */

let mock: MockScalekit;
let api: RestSession;

beforeAll(async () => {
  mock = await createMockScalekit({ seed: "template-resend" });
  api = await restSession(mock);
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const sent = async (email: string): Promise<string> => (await api.send({ email })).body.auth_request_id as string;

const changeTemplate = () => mock.templates.put("SIGNIN", { subject: "s {{nick}}", text: "t" });

describe("a resend after the template gained a variable", () => {
  it("of a verified request answers that it was verified, not that a variable is missing", async () => {
    const id = await sent("verified@example.com");
    expect((await api.verify({ code: mock.inbox.latest()!.otp, auth_request_id: id })).status).toBe(200);
    changeTemplate();
    const resent = await api.resend({ auth_request_id: id });
    expect(resent.body.details[0].error_code).toBe("AUTH_REQUEST_ALREADY_VERIFIED");
  });

  it("of a locked request answers that it is locked", async () => {
    mock.settings.update({ maxAttempts: 1 });
    const id = await sent("locked@example.com");
    await api.verify({ code: "000000", auth_request_id: id });
    changeTemplate();
    expect((await api.resend({ auth_request_id: id })).body.details[0].error_code).toBe("AUTH_REQUEST_LOCKED");
  });

  it("over the resend limit answers too many resends", async () => {
    mock.settings.update({ maxResends: 0 });
    const id = await sent("limit@example.com");
    changeTemplate();
    const resent = await api.resend({ auth_request_id: id });
    expect(resent.body.details[0].error_code).toBe("RESEND_LIMIT_EXCEEDED");
    expect(resent.body.message).toMatch(/^too many resends/);
  });

  it("that could be resent says the original send did not supply the variable, and changes nothing", async () => {
    const id = await sent("pending@example.com");
    changeTemplate();
    const before = await (await fetch(`${mock.url}/_mock/v1/auth-requests/${id}`)).json();
    const resent = await api.resend({ auth_request_id: id });
    expect(resent.status).toBe(400);
    expect(resent.body.details[0].error_code).toBe("TEMPLATE_VARIABLE_MISSING");
    expect(resent.body.message).toBe('the SIGNIN email template uses "nick", which the original send did not supply: send a new email with it, or change the template');
    expect(await (await fetch(`${mock.url}/_mock/v1/auth-requests/${id}`)).json()).toEqual(before);
  });
});
