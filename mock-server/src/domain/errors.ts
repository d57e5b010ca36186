/**
 * The one error set of the mock. Every failure a Scalekit call can meet is a
 * `ScalekitError` carrying a gRPC status name and an error code string; each
 * transport translates it once (`http/errors.ts`, `grpc/errors.ts`).
 */

/** gRPC status codes by name, with their wire numbers. */
export const GRPC_CODES = {
  OK: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;

export type GrpcCodeName = keyof typeof GRPC_CODES;

// Deviation D38: grpc-gateway's mapping, inferred, not observed
/** The HTTP status of each gRPC code, as grpc-gateway maps them. */
export const HTTP_STATUS: Record<GrpcCodeName, number> = {
  OK: 200,
  Canceled: 499,
  Unknown: 500,
  InvalidArgument: 400,
  DeadlineExceeded: 504,
  NotFound: 404,
  AlreadyExists: 409,
  PermissionDenied: 403,
  ResourceExhausted: 429,
  FailedPrecondition: 400,
  Aborted: 409,
  OutOfRange: 400,
  Unimplemented: 501,
  Internal: 500,
  Unavailable: 503,
  DataLoss: 500,
  Unauthenticated: 401,
};

/** The gRPC code a bare HTTP status stands for (gRPC's HTTP-to-status mapping, widened). */
export function grpcCodeOfHttp(status: number): GrpcCodeName {
  const exact: Record<number, GrpcCodeName> = {
    400: "InvalidArgument",
    401: "Unauthenticated",
    403: "PermissionDenied",
    404: "NotFound",
    409: "Aborted",
    429: "ResourceExhausted",
    499: "Canceled",
    501: "Unimplemented",
    502: "Unavailable",
    503: "Unavailable",
    504: "DeadlineExceeded",
  };
  return exact[status] ?? (status >= 500 ? "Internal" : "FailedPrecondition");
}

// Deviation D11: error codes and messages are ours
/** Error code strings carried in the ErrorInfo detail (`error_code`). */
export const ERROR_CODES = {
  invalidArgument: "INVALID_ARGUMENT",
  magiclinkAuthUriRequired: "MAGICLINK_AUTH_URI_REQUIRED",
  templateVariableMissing: "TEMPLATE_VARIABLE_MISSING",
  authRequestNotFound: "AUTH_REQUEST_NOT_FOUND",
  authRequestExpired: "AUTH_REQUEST_EXPIRED",
  authRequestVerified: "AUTH_REQUEST_ALREADY_VERIFIED",
  authRequestLocked: "AUTH_REQUEST_LOCKED",
  otpInvalid: "OTP_INVALID",
  otpNotIssued: "OTP_NOT_ISSUED",
  linkTokenInvalid: "LINK_TOKEN_INVALID",
  linkNotIssued: "LINK_NOT_ISSUED",
  sameOriginRequired: "SAME_ORIGIN_REQUIRED",
  tooManyAttempts: "TOO_MANY_ATTEMPTS",
  resendLimitExceeded: "RESEND_LIMIT_EXCEEDED",
  /** Scalekit's documented code for its per-environment rate limit (Reference › Rate limits). */
  rateLimited: "RATE_LIMITED",
  unauthenticated: "UNAUTHENTICATED",
  tokenExpired: "TOKEN_EXPIRED",
  tokenNotYetValid: "TOKEN_NOT_YET_VALID",
  mockTimeOutOfRange: "MOCK_TIME_OUT_OF_RANGE",
  notFound: "NOT_FOUND",
  internal: "INTERNAL",
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

/** One failed field rule, as Scalekit's ValidationErrorInfo carries it. */
export interface FieldViolation {
  field: string;
  description: string;
  /** The rule id, e.g. `string.email`. */
  constraint: string;
}

export interface ScalekitErrorOptions {
  /** The request field at fault, when there is one (`email`, `template_variables["otp"]`). */
  field?: string;
  /** An HTTP status other than the one the gRPC code maps to (faults may ask for one). */
  httpStatus?: number;
  /** Seconds, sent as `retry-after` (rate-limit faults). */
  retryAfter?: number;
  /** Every failed field rule, for validation errors. */
  violations?: FieldViolation[];
}

export class ScalekitError extends Error {
  readonly status: GrpcCodeName;
  /** One of ERROR_CODES, or a fault rule's own code. */
  readonly errorCode: string;
  readonly field: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfter: number | undefined;
  readonly violations: FieldViolation[];

  constructor(status: GrpcCodeName, errorCode: ErrorCode | (string & {}), message: string, options: ScalekitErrorOptions = {}) {
    super(message);
    this.name = "ScalekitError";
    this.status = status;
    this.errorCode = errorCode;
    this.field = options.field;
    this.httpStatus = options.httpStatus;
    this.retryAfter = options.retryAfter;
    this.violations = options.violations ?? [];
  }
}

/** The HTTP status of a REST answer carrying this error. */
export function httpStatusOf(error: ScalekitError): number {
  return error.httpStatus ?? HTTP_STATUS[error.status];
}

/** What a call that failed for a reason other than a ScalekitError answers, on every transport: a bug in the mock. */
export const internalError = (): ScalekitError =>
  new ScalekitError("Internal", ERROR_CODES.internal, "internal error in scalekit-mock; this is a bug, please report it with the request that caused it");
