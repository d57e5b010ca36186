import { fromBinary } from "@bufbuild/protobuf";
import { decodeBinaryHeader } from "@connectrpc/connect";
import { compressionGzip } from "@connectrpc/connect-node";
import { trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import { describe, expect, it } from "vitest";
import { StatusSchema } from "./gen/google/rpc/status_pb.js";
import { completeTrailerStatus, withStatusDetails } from "./status-details.js";

const detailsOf = (trailer: Headers) => {
  const value = trailer.get("grpc-status-details-bin");
  return value === null ? undefined : decodeBinaryHeader(value, StatusSchema);
};

function frame(flags: number, data: Uint8Array): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(flags, 0);
  head.writeUInt32BE(data.length, 1);
  return Buffer.concat([head, data]);
}

async function readAll(body: AsyncIterable<Uint8Array> | undefined): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body ?? []) chunks.push(chunk);
  return Buffer.concat(chunks);
}

describe("the status details of a gRPC error", () => {
  it("carry the status code and the percent-decoded message, with no details", () => {
    const trailer = new Headers({ "grpc-status": "13", "grpc-message": encodeURIComponent("parse binary: été 100% ✓") });
    completeTrailerStatus(trailer);
    const status = detailsOf(trailer)!;
    expect({ code: status.code, message: status.message, details: status.details }).toEqual({ code: 13, message: "parse binary: été 100% ✓", details: [] });
  });

  it("are added with an empty message when grpc-message is absent, and keep a message that is not valid percent-encoding as sent", () => {
    const bare = new Headers({ "grpc-status": "12" });
    completeTrailerStatus(bare);
    expect(detailsOf(bare)).toMatchObject({ code: 12, message: "" });
    const raw = new Headers({ "grpc-status": "3", "grpc-message": "50%" });
    completeTrailerStatus(raw);
    expect(detailsOf(raw)).toMatchObject({ code: 3, message: "50%" });
  });

  it("are left alone when the call succeeded, has no status, or already carries details", () => {
    const ok = new Headers({ "grpc-status": "0" });
    const none = new Headers();
    const own = new Headers({ "grpc-status": "3", "grpc-message": "x", "grpc-status-details-bin": "CAMSAXg" });
    for (const trailer of [ok, none, own]) completeTrailerStatus(trailer);
    expect(ok.has("grpc-status-details-bin")).toBe(false);
    expect(none.has("grpc-status-details-bin")).toBe(false);
    expect(own.get("grpc-status-details-bin")).toBe("CAMSAXg");
  });

  it("complete the trailers of a gRPC response only once its body has been read to the end", async () => {
    const trailer = new Headers({ "grpc-status": "0" });
    const body = (async function* () {
      yield new Uint8Array([0, 0, 0, 0, 0]);
      // The handler sets the error status while its body is being read, as connect-es does.
      trailer.set("grpc-status", "8");
      trailer.set("grpc-message", "too%20large");
    })();
    const answer = withStatusDetails({ status: 200, header: new Headers({ "content-type": "application/grpc" }), body, trailer }, []);
    const iterator = answer.body![Symbol.asyncIterator]();
    await iterator.next();
    expect(trailer.has("grpc-status-details-bin")).toBe(false);
    expect((await iterator.next()).done).toBe(true);
    expect(detailsOf(trailer)).toMatchObject({ code: 8, message: "too large" });
  });

  it("are written into a gRPC-Web trailer frame, a gzip-compressed one included, keeping the frames before it", async () => {
    const message = frame(0, new Uint8Array([1, 2, 3]));
    const trailerBlock = trailerSerialize(new Headers({ "grpc-status": "13", "grpc-message": "internal%20error" }));
    for (const [flags, data] of [
      [0x80, trailerBlock],
      [0x81, await compressionGzip.compress(trailerBlock)],
    ] as const) {
      const body = (async function* () {
        yield message;
        yield frame(flags, data);
      })();
      const header = new Headers({ "content-type": "application/grpc-web+proto", "grpc-encoding": "gzip" });
      const bytes = await readAll(withStatusDetails({ status: 200, header, body }, [compressionGzip]).body);
      expect(bytes.subarray(0, message.length)).toEqual(message);
      const last = bytes.subarray(message.length);
      expect(last.readUInt8(0)).toBe(0x80);
      const trailer = trailerParse(last.subarray(5, 5 + last.readUInt32BE(1)));
      expect(trailer.get("grpc-status")).toBe("13");
      const status = fromBinary(StatusSchema, Buffer.from(trailer.get("grpc-status-details-bin")!, "base64"));
      expect({ code: status.code, message: status.message }).toEqual({ code: 13, message: "internal error" });
    }
  });

  it("leave Connect responses as they are", async () => {
    const body = (async function* () {
      yield new TextEncoder().encode('{"code":"internal"}');
    })();
    const answer = { status: 500, header: new Headers({ "content-type": "application/json" }), body };
    expect(withStatusDetails(answer, [])).toBe(answer);
  });
});
