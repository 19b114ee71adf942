import zlib from "node:zlib";
import { lz4Decompress, snappyDecompress } from "@platformatic/wasm-utils";
import { KafkaException } from "../errors.js";

/** The codec in a RecordBatch's attributes (bits 0–2), as Kafka numbers them. */
export const CODEC_NAMES = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

/** snappy-java's stream header, which Kafka's Java clients and brokers write before snappy blocks. */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER = 16;

type ZstdZlib = typeof zlib & { zstdDecompressSync?: (b: Buffer) => Buffer };

/**
 * Decompresses a batch's records section. Snappy comes framed by snappy-java (Kafka's Java side)
 * or raw (some other clients); LZ4 is the frame format; zstd needs a Node with zlib's zstd
 * (22.15+), as the client library does.
 */
export function decompressRecords(codec: number, data: Buffer, where: () => string): Buffer {
  switch (codec) {
    case 1:
      return zlib.gunzipSync(data);
    case 2:
      return data.length >= XERIAL_HEADER && data.subarray(0, 8).equals(XERIAL_MAGIC) ? xerialBlocks(data) : snappyDecompress(data);
    case 3:
      return lz4Decompress(data);
    case 4: {
      const z = (zlib as ZstdZlib).zstdDecompressSync;
      if (!z) throw new KafkaException(`Cannot read ${where()}: it is compressed with zstd, which this Node.js ${process.version} does not support (Node 22.15 or later does).`);
      return z(data);
    }
    default:
      throw new KafkaException(`Cannot read ${where()}: unknown compression codec ${codec} in its attributes.`);
  }
}

/** snappy-java's framing: the 16-byte header, then blocks of [int32 length][snappy data]. */
function xerialBlocks(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let p = XERIAL_HEADER;
  while (p + 4 <= data.length) {
    const n = data.readInt32BE(p);
    p += 4;
    parts.push(snappyDecompress(data.subarray(p, p + n)));
    p += n;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}
