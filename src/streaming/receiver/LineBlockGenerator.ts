import type { Clock } from "../util/Clock.js";
import type { ReceivedBlock } from "./ReceivedBlock.js";

const LF = 10;
const CR = 13;

function indexOfByte(bytes: Buffer, byte: number, from: number): number {
  return bytes.indexOf(byte, from);
}

/**
 * Cuts a byte stream of UTF-8 text into blocks of whole lines, without decoding it: a block ends
 * after the last complete line terminator (`\n`, `\r\n` or a lone `\r`), and what follows waits
 * for the next block. Terminator bytes never occur inside a multi-byte UTF-8 character, so a
 * block never splits one, wherever the chunks were split. Lines are counted as bytes arrive,
 * so each block knows its record count without being decoded on the driver.
 */
export class LineBlockGenerator {
  private chunks: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Bytes from the start of `chunks` through the last complete terminator. */
  private completeBytes = 0;
  private completeLines = 0;
  /** The last byte seen is a `\r`: a terminator, unless the next byte is the `\n` of a `\r\n`. */
  private trailingCR = false;
  private lastLineTime = 0;

  constructor(
    private readonly streamId: number,
    private readonly clock: Clock,
  ) {}

  /** Appends a chunk (kept, not copied: the caller must not reuse it); returns the lines it completed. */
  add(bytes: Uint8Array): number {
    const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const n = chunk.length;
    if (n === 0) return 0;
    let lines = 0;
    let lastEnd = -1;
    let i = 0;
    if (this.trailingCR) {
      this.trailingCR = false;
      lines++;
      if (chunk[0] === LF) {
        lastEnd = 1;
        i = 1;
      } else {
        lastEnd = 0;
      }
    }
    if (indexOfByte(chunk, CR, i) < 0) {
      // Text without carriage returns (most of it): let memchr find the newlines.
      for (let j = indexOfByte(chunk, LF, i); j >= 0; j = indexOfByte(chunk, LF, j + 1)) {
        lines++;
        lastEnd = j + 1;
      }
      i = n;
    }
    for (; i < n; i++) {
      const c = chunk[i]!;
      if (c === LF) {
        lines++;
        lastEnd = i + 1;
      } else if (c === CR) {
        if (i + 1 === n) {
          this.trailingCR = true;
        } else {
          lines++;
          if (chunk[i + 1] === LF) i++;
          lastEnd = i + 1;
        }
      }
    }
    if (lastEnd >= 0) {
      this.completeBytes = this.pendingBytes + lastEnd;
      this.completeLines += lines;
      this.lastLineTime = this.clock.getTimeMillis();
    }
    this.chunks.push(chunk);
    this.pendingBytes += n;
    return lines;
  }

  /** Whether there are complete lines to cut, all of them received at or before `time`. */
  readyBy(time: number): boolean {
    return this.completeBytes > 0 && this.lastLineTime <= time;
  }

  /** The complete lines so far as one block in shared memory; the partial last line stays. */
  cut(): ReceivedBlock | undefined {
    const size = this.completeBytes;
    if (size === 0) return undefined;
    const out = new Uint8Array(new SharedArrayBuffer(size));
    const rest: Uint8Array[] = [];
    let off = 0;
    for (const c of this.chunks) {
      if (off >= size) {
        rest.push(c);
        continue;
      }
      const take = Math.min(c.length, size - off);
      out.set(take === c.length ? c : c.subarray(0, take), off);
      off += take;
      if (take < c.length) rest.push(c.subarray(take));
    }
    const numRecords = this.completeLines;
    this.chunks = rest;
    this.pendingBytes -= size;
    this.completeBytes = 0;
    this.completeLines = 0;
    return { streamId: this.streamId, format: "lines", bytes: out, numRecords, time: this.lastLineTime };
  }

  /** The text ended: a last line without a terminator is still a line, as readLine returns it. Returns 1 if it completed one. */
  finish(): number {
    if (this.trailingCR) {
      this.trailingCR = false;
      this.completeBytes = this.pendingBytes;
      this.completeLines++;
    } else if (this.pendingBytes > this.completeBytes) {
      this.chunks.push(new Uint8Array([LF]));
      this.pendingBytes++;
      this.completeBytes = this.pendingBytes;
      this.completeLines++;
    } else {
      return 0;
    }
    this.lastLineTime = this.clock.getTimeMillis();
    return 1;
  }

  /**
   * Drops a partial last line, e.g. when the connection it came from broke: gluing it to the
   * next connection's first line would invent a record. Returns the bytes dropped.
   */
  discardPartialLine(): number {
    if (this.trailingCR) this.finish();
    const dropped = this.pendingBytes - this.completeBytes;
    if (dropped === 0) return 0;
    const kept: Uint8Array[] = [];
    let off = 0;
    for (const c of this.chunks) {
      if (off >= this.completeBytes) break;
      const take = Math.min(c.length, this.completeBytes - off);
      kept.push(take === c.length ? c : c.subarray(0, take));
      off += take;
    }
    this.chunks = kept;
    this.pendingBytes = this.completeBytes;
    return dropped;
  }
}
