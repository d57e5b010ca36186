import type { Agent } from "node:http";
import { create, fromBinary, toBinary, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { StatusSchema, type Status } from "../../mock-server/src/grpc/gen/google/rpc/status_pb.js";
import { sendHttp1, sendHttp2, type HeaderList, type ListAnswer } from "./header-list-http.js";

/**
 * gRPC calls built by hand: the 5-byte frame prefix and the protobuf message,
 * the headers exactly as listed, over HTTP/1.1 (as connect-go speaks gRPC to
 * an `http://` URL) or HTTP/2. The answer keeps status, headers, trailers and
 * the raw body, what a gRPC client library works from.
 */

export const SERVICE_PATH = "/scalekit.v1.auth.passwordless.PasswordlessService/";

export type { HeaderList, ListAnswer };

/** One length-prefixed message (flags 0: not compressed). */
export function grpcFrame(message: Uint8Array, flags = 0): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** A request message, serialized and framed. */
export function grpcRequest<S extends DescMessage>(schema: S, init: MessageInitShape<S>): Buffer {
  return grpcFrame(toBinary(schema, create(schema, init)));
}

/** The frames of a body, in order. */
export function grpcFrames(body: Buffer): Array<{ flags: number; data: Buffer }> {
  const frames: Array<{ flags: number; data: Buffer }> = [];
  for (let at = 0; at + 5 <= body.length; ) {
    const length = body.readUInt32BE(at + 1);
    frames.push({ flags: body.readUInt8(at), data: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return frames;
}

/** The one response message of a unary call. */
export function grpcResponse<S extends DescMessage>(schema: S, answer: ListAnswer): MessageShape<S> {
  const frames = grpcFrames(answer.body);
  if (frames.length !== 1 || frames[0]!.flags !== 0) {
    throw new Error(`expected one uncompressed message, got ${frames.length} frame(s); trailers ${JSON.stringify(answer.trailers)}`);
  }
  return fromBinary(schema, frames[0]!.data);
}

/** The google.rpc.Status a `grpc-status-details-bin` value carries (base64, padded or not). */
export function decodeStatusDetails(value: string | string[] | undefined): Status | undefined {
  return typeof value === "string" ? fromBinary(StatusSchema, Buffer.from(value, "base64")) : undefined;
}

/** What a gRPC client reads as the call's status: grpc-status, the decoded grpc-message, and the details. */
export function grpcStatusOf(answer: ListAnswer): { code: number | undefined; message: string | undefined; details: Status | undefined } {
  const trailers = answer.trailers;
  const status = trailers["grpc-status"];
  const message = trailers["grpc-message"];
  return {
    code: typeof status === "string" ? Number(status) : undefined,
    message: typeof message === "string" ? decodeURIComponent(message) : undefined,
    details: decodeStatusDetails(trailers["grpc-status-details-bin"]),
  };
}

export interface GrpcCall {
  /** The method's name, e.g. `SendPasswordlessEmail`. */
  method: string;
  headers: HeaderList;
  body: Buffer;
}

export const grpcOverHttp1 = (baseUrl: string, call: GrpcCall, body: "length" | "chunked", agent?: Agent) =>
  sendHttp1(baseUrl, { method: "POST", path: SERVICE_PATH + call.method, headers: call.headers, body: call.body }, body, agent);

export const grpcOverHttp2 = (baseUrl: string, call: GrpcCall) => sendHttp2(baseUrl, { method: "POST", path: SERVICE_PATH + call.method, headers: call.headers, body: call.body });
