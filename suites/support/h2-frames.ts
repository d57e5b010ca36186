import { connect, type Socket } from "node:net";

/**
 * A bare HTTP/2 client that writes frames itself, for what Node's client will
 * not do: open streams past the server's limit, or before acknowledging its
 * SETTINGS. Requests are GETs encoded with HPACK literals, no Huffman coding.
 */

export const FRAME = { DATA: 0x0, HEADERS: 0x1, RST_STREAM: 0x3, SETTINGS: 0x4, PING: 0x6, GOAWAY: 0x7 } as const;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const ACK = 0x1;
const PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** A literal header field without indexing whose name is static-table entry `index` (RFC 7541 §6.2.2). */
function literal(index: number, value: string): Buffer {
  const bytes = Buffer.from(value, "latin1");
  if (bytes.length > 126) throw new Error("header value too long for this encoder");
  return Buffer.concat([Buffer.from([index, bytes.length]), bytes]);
}

export class FrameClient {
  readonly socket: Socket;
  readonly frames: Frame[] = [];
  #buffer = Buffer.alloc(0);
  closed = false;

  constructor(port: number) {
    this.socket = connect(port, "127.0.0.1");
    this.socket.on("error", () => undefined);
    this.socket.on("close", () => (this.closed = true));
    this.socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 9) {
        const length = this.#buffer.readUIntBE(0, 3);
        if (this.#buffer.length < 9 + length) break;
        this.frames.push({
          type: this.#buffer.readUInt8(3),
          flags: this.#buffer.readUInt8(4),
          streamId: this.#buffer.readUInt32BE(5) & 0x7fffffff,
          payload: this.#buffer.subarray(9, 9 + length),
        });
        this.#buffer = this.#buffer.subarray(9 + length);
      }
    });
    // The connection preface and empty SETTINGS; the server's SETTINGS are left unacknowledged until `ackSettings`.
    this.socket.write(Buffer.concat([Buffer.from(PREFACE, "latin1"), frame(FRAME.SETTINGS, 0, 0)]));
  }

  ackSettings(): void {
    this.socket.write(frame(FRAME.SETTINGS, ACK, 0));
  }

  /** A GET with END_STREAM on its HEADERS. */
  get(streamId: number, path: string): void {
    // Static table: 2 is ":method: GET", 6 ":scheme: http"; names 1 ":authority", 4 ":path".
    const block = Buffer.concat([Buffer.from([0x82, 0x86]), literal(1, "localhost"), literal(4, path)]);
    this.socket.write(frame(FRAME.HEADERS, END_STREAM | END_HEADERS, streamId, block));
  }

  ping(): void {
    this.socket.write(frame(FRAME.PING, 0, 0, Buffer.from("scalekit")));
  }

  /** Resolves with the first frame received that `match` accepts; rejects if the connection closes first or after `ms`. */
  async until(match: (frame: Frame) => boolean, ms = 5_000): Promise<Frame> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.find(match);
      if (found !== undefined) return found;
      if (this.closed) throw new Error(`connection closed; frames received: ${this.describe()}`);
      if (Date.now() > deadline) throw new Error(`no such frame within ${ms}ms; frames received: ${this.describe()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  describe(): string {
    return this.frames.map((f) => `${f.type}/${f.flags}/${f.streamId}`).join(" ");
  }
}
