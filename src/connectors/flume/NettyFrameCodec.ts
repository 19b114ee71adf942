import { Transform, type TransformCallback } from "node:stream";
import { FlumeException } from "./FlumeException.js";

/**
 * One Avro-RPC message on a Netty transport (Avro's NettyTransportCodec.NettyDataPack): the
 * call's serial number, which the response repeats, and the message as a list of buffers. The
 * shape is what avsc's channels exchange in object mode.
 */
export interface NettyDataPack {
  id: number;
  payload: Buffer[];
}

export interface NettyFrameLimits {
  /** Largest single buffer accepted (Avro writes 8 KiB buffers, but any size is legal). */
  maxBufferBytes: number;
  /** Largest message (all buffers of one pack) accepted. */
  maxPackBytes: number;
}

export const DEFAULT_FRAME_LIMITS: NettyFrameLimits = { maxBufferBytes: 64 << 20, maxPackBytes: 256 << 20 };

/**
 * Avro's Netty framing, both directions:
 *
 *   int32 serial | int32 buffer count | count × (int32 length | length bytes)
 *
 * all big-endian. This encoder writes one pack as one chunk, so a pack is never interleaved
 * with another on the wire.
 */
export function encodeNettyFrame(pack: NettyDataPack): Buffer {
  let size = 8;
  for (const b of pack.payload) size += 4 + b.length;
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(pack.id | 0, 0);
  out.writeInt32BE(pack.payload.length, 4);
  let at = 8;
  for (const b of pack.payload) {
    out.writeInt32BE(b.length, at);
    b.copy(out, at + 4);
    at += 4 + b.length;
  }
  return out;
}

/** Object-mode packs in, Netty-framed bytes out. */
export class NettyFrameEncoder extends Transform {
  constructor() {
    super({ writableObjectMode: true });
  }

  override _transform(pack: NettyDataPack, _encoding: BufferEncoding, done: TransformCallback): void {
    done(null, encodeNettyFrame(pack));
  }
}

/**
 * Netty-framed bytes in, object-mode packs out. Bytes arrive in arbitrary chunks; they are kept
 * as a list and joined only when a whole header or buffer is there, so a large message costs one
 * copy. A negative or oversized count or length is a malformed frame: the stream fails with a
 * FlumeException that names the peer and the likely cause, instead of waiting for bytes that
 * will never come or buffering without bound.
 */
export class NettyFrameDecoder extends Transform {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private id: number | undefined;
  private remaining = 0;
  private payload: Buffer[] = [];
  private packBytes = 0;
  private bufferLength: number | undefined;
  private sawAny = false;

  constructor(
    private readonly peer: string,
    private readonly limits: NettyFrameLimits = DEFAULT_FRAME_LIMITS,
  ) {
    super({ readableObjectMode: true });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (chunk.length === 0) return done();
    if (!this.sawAny) {
      this.sawAny = true;
      // 0x78 is the first byte of every zlib stream; a serial number that large is implausible.
      if (chunk[0] === 0x78) return done(this.malformed("the data starts like a zlib stream", "the sender compresses (Flume's compression-type = deflate): create the stream with enableDecompression = true"));
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      this.drain();
    } catch (e) {
      return done(e as Error);
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.buffered > 0 || this.id !== undefined) {
      return done(this.malformed(`the connection ended inside a frame (${this.buffered} bytes of it received)`, "the sender closed the connection mid-message; it resends what was not acknowledged"));
    }
    done();
  }

  private drain(): void {
    for (;;) {
      if (this.id === undefined) {
        if (this.buffered < 8) return;
        const head = this.takeBytes(8);
        const id = head.readInt32BE(0);
        const count = head.readInt32BE(4);
        const maxCount = Math.floor(this.limits.maxPackBytes / 4);
        if (count < 0 || count > maxCount) {
          throw this.malformed(`buffer count ${count} in the frame of serial ${id} (expected 0 to ${maxCount})`, "the peer does not speak Avro's Netty transport: check that the address is a Flume Avro sink or SparkSink, and that compression matches");
        }
        this.id = id;
        this.remaining = count;
        this.payload = [];
        this.packBytes = 0;
      }
      while (this.remaining > 0) {
        if (this.bufferLength === undefined) {
          if (this.buffered < 4) return;
          const len = this.takeBytes(4).readInt32BE(0);
          if (len < 0 || len > this.limits.maxBufferBytes || this.packBytes + len > this.limits.maxPackBytes) {
            throw this.malformed(
              `buffer length ${len} in the frame of serial ${this.id} (at most ${this.limits.maxBufferBytes} bytes a buffer and ${this.limits.maxPackBytes} a message)`,
              "the peer does not speak Avro's Netty transport, or sends batches too large: lower the Flume sink's batch-size",
            );
          }
          this.bufferLength = len;
        }
        if (this.buffered < this.bufferLength) return;
        const b = this.takeBytes(this.bufferLength);
        this.packBytes += b.length;
        this.payload.push(b);
        this.bufferLength = undefined;
        this.remaining--;
      }
      const pack: NettyDataPack = { id: this.id, payload: this.payload };
      this.id = undefined;
      this.payload = [];
      this.push(pack);
    }
  }

  /** The next `n` buffered bytes; the caller checked that they are there. */
  private takeBytes(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    let first = this.chunks[0]!;
    if (first.length < n) {
      first = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }

  private malformed(what: string, fix: string): FlumeException {
    return new FlumeException(`Flume: malformed Avro-RPC frame from ${this.peer}: ${what}; ${fix}`);
  }
}
