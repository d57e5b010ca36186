/**
 * The words every layer shares about a Scalekit call: which operation it is
 * and which transport carried it. Written once here; schemas, the journal,
 * fault rules and the OpenAPI documents derive from these lists.
 */

/** The three calls of PasswordlessService; over REST each is `POST {PASSWORDLESS_REST_PREFIX}/{operation}`. */
export const PASSWORDLESS_OPERATIONS = ["send", "resend", "verify"] as const;
/** The OAuth token and JWKS endpoints: calls that name no email address. */
export const OAUTH_OPERATIONS = ["token", "keys"] as const;
/** The calls the mock journals. */
export const OPERATIONS = [...PASSWORDLESS_OPERATIONS, ...OAUTH_OPERATIONS] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The operations that send an email (and so meet mail fault rules). */
export const MAIL_OPERATIONS = ["send", "resend"] as const satisfies readonly Operation[];
export type MailOperation = (typeof MAIL_OPERATIONS)[number];

export const TRANSPORTS = ["rest", "grpc"] as const;

/** Where grpc-gateway transcodes PasswordlessService to REST. */
export const PASSWORDLESS_REST_PREFIX = "/api/v1/passwordless/email";
export type Transport = (typeof TRANSPORTS)[number];

export const isMailOperation = (operation: string): operation is MailOperation => (MAIL_OPERATIONS as readonly string[]).includes(operation);
