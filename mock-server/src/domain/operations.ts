/**
 * The words every layer shares about a Scalekit call: which operation it is
 * and which transport carried it. Written once here; schemas, the journal,
 * fault rules and the OpenAPI documents derive from these lists.
 */

/** The calls the mock journals: the three of PasswordlessService, then the OAuth token and JWKS endpoints. */
export const OPERATIONS = ["send", "resend", "verify", "token", "keys"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The operations that send an email (and so meet mail fault rules). */
export const MAIL_OPERATIONS = ["send", "resend"] as const satisfies readonly Operation[];
export type MailOperation = (typeof MAIL_OPERATIONS)[number];

export const TRANSPORTS = ["rest", "grpc"] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const isMailOperation = (operation: string): operation is MailOperation => (MAIL_OPERATIONS as readonly string[]).includes(operation);
