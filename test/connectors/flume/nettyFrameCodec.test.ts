/**
 * The Netty frame codec against bytes captured from a real Flume 1.11 session (an Avro sink
 * talking to an Avro source through a recording proxy: test/fixtures/flume/avro-sessions.json,
 * made by recordFixture.ts), plus malformed frames.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { constants as zlibConstants, inflateSync } from "node:zlib";
import avro from "avsc";
import { FlumeException, NettyFrameDecoder, encodeNettyFrame, type NettyDataPack } from "../../../src/connectors/flume/index.js";
import { AVRO_SOURCE_PROTOCOL } from "../../../src/connectors/flume/protocols.js";

interface Chunk {
  from: "sink" | "source";
  hex: string;
}
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/flume/avro-sessions.json", import.meta.url), "utf8")) as { events: number; plain: Chunk[]; deflate: Chunk[] };

function bytesFrom(chunks: Chunk[], from: Chunk["from"]): Buffer[] {
  return chunks.filter((c) => c.from === from).map((c) => Buffer.from(c.hex, "hex"));
}

async function decodeAll(chunks: Buffer[], peer = "the test peer"): Promise<NettyDataPack[]> {
  const out: NettyDataPack[] = [];
  const decoder = new NettyFrameDecoder(peer);
  Readable.from(chunks).pipe(decoder);
  for await (const p of decoder) out.push(p as NettyDataPack);
  return out;
}

const md5 = { type: "fixed", name: "MD5", size: 16 } as const;
const handshakeRequest = avro.Type.forSchema({
  type: "record",
  name: "HandshakeRequest",
  namespace: "org.apache.avro.ipc",
  fields: [
    { name: "clientHash", type: md5 },
    { name: "clientProtocol", type: ["null", "string"] },
    { name: "serverHash", type: "MD5" },
    { name: "meta", type: ["null", { type: "map", values: "bytes" }] },
  ],
});
const handshakeResponse = avro.Type.forSchema({
  type: "record",
  name: "HandshakeResponse",
  namespace: "org.apache.avro.ipc",
  fields: [
    { name: "match", type: { type: "enum", name: "HandshakeMatch", symbols: ["BOTH", "CLIENT", "NONE"] } },
    { name: "serverProtocol", type: ["null", "string"] },
    { name: "serverHash", type: ["null", { type: "fixed", name: "MD5", size: 16 }] },
    { name: "meta", type: ["null", { type: "map", values: "bytes" }] },
  ],
});
const metadata = avro.Type.forSchema({ type: "map", values: "bytes" });
const events = avro.Type.forSchema({ type: "array", items: AVRO_SOURCE_PROTOCOL.types[1] as unknown as avro.Schema });
const status = avro.Type.forSchema(AVRO_SOURCE_PROTOCOL.types[0] as unknown as avro.Schema);

/** Reads `type` from `buf` at `pos`; returns the value and the next position. */
function read(type: avro.Type, buf: Buffer, pos: number): { value: unknown; end: number } {
  const r = type.decode(buf, pos);
  assert.ok(r.offset >= 0, `a ${type.name ?? type.typeName} at byte ${pos}`);
  return { value: r.value, end: r.offset };
}

/** The requests of the sink's side: handshake on the first only, then metadata, name, events. */
function readRequests(packs: NettyDataPack[]): Array<{ id: number; message: string; bodies: string[]; headers: Array<Record<string, string>> }> {
  const string = avro.Type.forSchema("string");
  return packs.map((p, i) => {
    const buf = Buffer.concat(p.payload);
    let pos = 0;
    if (i === 0) pos = read(handshakeRequest, buf, pos).end;
    pos = read(metadata, buf, pos).end;
    const name = read(string, buf, pos);
    const evs = read(events, buf, name.end);
    assert.equal(evs.end, buf.length, "the request has nothing after its events");
    const list = evs.value as Array<{ headers: Record<string, string>; body: Buffer }>;
    return { id: p.id, message: name.value as string, bodies: list.map((e) => e.body.toString()), headers: list.map((e) => e.headers) };
  });
}

test("a real Avro sink's requests decode into serials, the handshake, appendBatch and its events", async () => {
  const packs = await decodeAll(bytesFrom(fixture.plain, "sink"));
  const requests = readRequests(packs);
  assert.deepEqual(requests.map((r) => r.id), [1, 2, 3], "serials count up from 1");
  assert.deepEqual(requests.map((r) => r.message), ["appendBatch", "appendBatch", "appendBatch"]);
  assert.deepEqual(requests.flatMap((r) => r.bodies), Array.from({ length: fixture.events }, (_, i) => String(i)), "the seq source's bodies, batch-size 3");
  assert.deepEqual(requests[0]!.headers[0], { origin: "fixture" }, "the interceptor's header");
  const hs = read(handshakeRequest, Buffer.concat(packs[0]!.payload), 0).value as { clientProtocol: unknown; clientHash: Buffer; serverHash: Buffer };
  assert.equal(hs.clientProtocol, null, "Java's first handshake sends only the protocol's hash");
  assert.deepEqual(hs.serverHash, hs.clientHash, "and guesses the server has the same protocol");
});

test("the same bytes decode the same way when they arrive one byte at a time", async () => {
  const whole = Buffer.concat(bytesFrom(fixture.plain, "sink"));
  const oneByOne = Array.from({ length: whole.length }, (_, i) => whole.subarray(i, i + 1));
  assert.deepEqual(await decodeAll(oneByOne), await decodeAll([whole]));
});

test("re-encoding the decoded frames gives back the recorded bytes, both directions", async () => {
  for (const from of ["sink", "source"] as const) {
    const recorded = Buffer.concat(bytesFrom(fixture.plain, from));
    const packs = await decodeAll(bytesFrom(fixture.plain, from));
    assert.deepEqual(Buffer.concat(packs.map(encodeNettyFrame)), recorded, `the ${from}'s bytes`);
  }
});

test("the Avro source's answers repeat each serial: a BOTH handshake, then status OK", async () => {
  const packs = await decodeAll(bytesFrom(fixture.plain, "source"));
  assert.deepEqual(packs.map((p) => p.id), [1, 2, 3]);
  const boolean = avro.Type.forSchema("boolean");
  for (const [i, p] of packs.entries()) {
    const buf = Buffer.concat(p.payload);
    let pos = 0;
    if (i === 0) {
      const hs = read(handshakeResponse, buf, 0);
      assert.equal((hs.value as { match: string }).match, "BOTH");
      pos = hs.end;
    }
    pos = read(metadata, buf, pos).end;
    const isError = read(boolean, buf, pos);
    assert.equal(isError.value, false);
    assert.equal(read(status, buf, isError.end).value, "OK");
  }
});

test("with compression-type = deflate the whole connection is one zlib stream of the same frames", async () => {
  const inflated = inflateSync(Buffer.concat(bytesFrom(fixture.deflate, "sink")), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  const requests = readRequests(await decodeAll([inflated]));
  assert.deepEqual(requests.flatMap((r) => r.bodies), Array.from({ length: fixture.events }, (_, i) => String(i)));
  await assert.rejects(decodeAll(bytesFrom(fixture.deflate, "sink"), "the sink at 127.0.0.1:5"), (e: Error) => {
    assert.ok(e instanceof FlumeException);
    assert.match(e.message, /^Flume: malformed Avro-RPC frame from the sink at 127\.0\.0\.1:5: the data starts like a zlib stream; .*enableDecompression = true/);
    return true;
  });
});

function frame(id: number, count: number, lengths: number[]): Buffer {
  const head = Buffer.alloc(8 + 4 * lengths.length);
  head.writeInt32BE(id, 0);
  head.writeInt32BE(count, 4);
  lengths.forEach((l, i) => head.writeInt32BE(l, 8 + 4 * i));
  return head;
}

test("malformed frames fail with the peer, the bad value and the fix, never a wait or a huge buffer", async () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ["a negative buffer count", frame(7, -1, []), /buffer count -1 in the frame of serial 7 .*Flume Avro sink or SparkSink/],
    ["a negative length", frame(7, 1, [-5]), /buffer length -5 in the frame of serial 7/],
    ["a length past the limit", frame(7, 1, [0x7fffffff]), /buffer length 2147483647 .*lower the Flume sink's batch-size/],
    ["a frame cut short", Buffer.concat([frame(7, 1, [10]), Buffer.from("abc")]), /the connection ended inside a frame \(3 bytes of it received\)/],
  ];
  for (const [what, bytes, message] of cases) {
    await assert.rejects(decodeAll([bytes], "the Avro sink at 127.0.0.1:9"), (e: Error) => {
      assert.ok(e instanceof FlumeException, what);
      assert.match(e.message, /^Flume: malformed Avro-RPC frame from the Avro sink at 127\.0\.0\.1:9: /, what);
      assert.match(e.message, message, what);
      return true;
    }, what);
  }
});
