import { create } from "@bufbuild/protobuf";
import { encodeBinaryHeader } from "@connectrpc/connect";
import type { Compression, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { headerEncoding, headerGrpcMessage, headerGrpcStatus, headerStatusDetailsBin, trailerFlag, trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import { StatusSchema } from "./gen/google/rpc/status_pb.js";

/** The message flag that says a frame's data is compressed. */
const COMPRESSED = 0b00000001;
/** The mock's own trailers are a few hundred bytes; this only bounds the decompression. */
const TRAILER_MAX_BYTES = 1 << 20;

/** grpc-message is percent-encoded on the wire; the status in the details carries the text itself. */
function decodeMessage(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}

// Deviation D42: every gRPC error carries status details
/**
 * Adds `grpc-status-details-bin` to trailers that end a call with an error
 * but carry no details: a google.rpc.Status with the same code and message
 * and no details. connect-es writes it only for errors with details (the
 * mock's Scalekit errors), not for the ones it answers itself (a message
 * that does not decode, one over readMaxBytes, an unknown compression, ...).
 * The Python SDK reads the details of every error, and fails on a status
 * without them.
 */
export function completeTrailerStatus(trailer: Headers): void {
  const status = trailer.get(headerGrpcStatus);
  if (status === null || !/^[1-9][0-9]*$/.test(status) || trailer.has(headerStatusDetailsBin)) return;
  const details = create(StatusSchema, { code: Number(status), message: decodeMessage(trailer.get(headerGrpcMessage) ?? "") });
  trailer.set(headerStatusDetailsBin, encodeBinaryHeader(details, StatusSchema));
}

/** The gRPC-Web body with its trailer frame (the last one, flagged 0x80) completed. */
async function completeWebTrailer(chunks: Uint8Array[], compression: Compression | undefined): Promise<Uint8Array[]> {
  const body = Buffer.concat(chunks);
  let at = 0;
  let last: { start: number; flags: number; data: Buffer } | undefined;
  while (at + 5 <= body.length) {
    const end = at + 5 + body.readUInt32BE(at + 1);
    if (end > body.length) return chunks;
    last = { start: at, flags: body.readUInt8(at), data: body.subarray(at + 5, end) };
    at = end;
  }
  if (last === undefined || at !== body.length || (last.flags & trailerFlag) === 0) return chunks;
  if ((last.flags & COMPRESSED) !== 0 && compression === undefined) return chunks;
  const data = (last.flags & COMPRESSED) !== 0 ? await compression!.decompress(last.data, TRAILER_MAX_BYTES) : last.data;
  const trailer = trailerParse(data);
  if (trailer.has(headerStatusDetailsBin)) return chunks;
  completeTrailerStatus(trailer);
  // Written uncompressed: the compressed flag is per frame, so a client accepts either.
  const serialized = trailerSerialize(trailer);
  const head = Buffer.alloc(5);
  head.writeUInt8(trailerFlag, 0);
  head.writeUInt32BE(serialized.length, 1);
  return [body.subarray(0, last.start), head, serialized];
}

/**
 * A gRPC or gRPC-Web response whose error status always carries
 * `grpc-status-details-bin`. gRPC: once the body has been read to its end,
 * the trailers are complete and not yet written (connect-node writes them
 * after the last body chunk), so they are completed then. gRPC-Web: the
 * trailers are the body's last frame; a unary call's body is one message at
 * most, so it is read whole and its last frame rewritten.
 */
export function withStatusDetails(response: UniversalServerResponse, compressions: readonly Compression[]): UniversalServerResponse {
  const body = response.body;
  const trailer = response.trailer;
  if (trailer !== undefined) {
    if (body === undefined) {
      completeTrailerStatus(trailer);
      return response;
    }
    return {
      ...response,
      body: (async function* () {
        yield* body;
        completeTrailerStatus(trailer);
      })(),
    };
  }
  const contentType = response.header?.get("content-type") ?? "";
  if (body === undefined || !/^application\/grpc-web(\+|;|$)/i.test(contentType)) return response;
  const encoding = response.header?.get(headerEncoding);
  const compression = compressions.find((candidate) => candidate.name === encoding);
  return {
    ...response,
    body: (async function* () {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      yield* await completeWebTrailer(chunks, compression);
    })(),
  };
}
