/** Why an environment was not created or deleted: its id or client id taken or invalid, too many, or the default one. */
export class EnvironmentError extends Error {
  constructor(
    readonly reason: "conflict" | "invalid" | "limit" | "protected",
    message: string,
  ) {
    super(message);
  }
}
