/**
 * KafkaConnection's framing against a fake broker that writes its responses cut at awkward
 * places: a size prefix split over writes, several responses in one write, a response far larger
 * than the socket's read buffer, sent in small pieces. Each answer must arrive whole and intact
 * (the connection reads into one reused buffer, so a byte kept without copying would be overwritten).
 */
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { describe, it } from "node:test";
import { KafkaConnection } from "../../../src/connectors/kafka/client/wire/KafkaConnection.js";

/** A body whose every byte depends on its request and position, so a torn or stale byte shows. */
function bodyFor(correlation: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (correlation * 31 + i * 7 + (i >>> 8)) & 0xff;
  return b;
}

/** Framed responses to requests, as [size][correlation][body]; the request's int32 correlation id sits after apiKey and apiVersion. */
function respond(correlation: number, size: number): Buffer {
  const out = Buffer.allocUnsafe(8 + size);
  out.writeInt32BE(4 + size, 0);
  out.writeInt32BE(correlation, 4);
  bodyFor(correlation, size).copy(out, 8);
  return out;
}

/** A fake broker: collects `expect` requests, then hands their correlation ids to `answer`. */
async function fakeBroker(expect: number, answer: (socket: Socket, correlations: number[]) => Promise<void>): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    let pending = Buffer.alloc(0);
    const correlations: number[] = [];
    socket.on("data", (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        correlations.push(pending.readInt32BE(8));
        pending = pending.subarray(4 + pending.readInt32BE(0));
      }
      if (correlations.length === expect) void answer(socket, correlations.splice(0));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("fake broker: no port");
  return { server, port: address.port };
}

const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

async function write(socket: Socket, b: Buffer): Promise<void> {
  await new Promise<void>((r) => socket.write(b, () => r()));
  await pause();
}

describe("KafkaConnection framing", () => {
  it("reassembles responses split at the size prefix, packed several to a write, and larger than its read buffer", async () => {
    const sizes = [10, 3, 1_500_000, 0, 70_000];
    const { server, port } = await fakeBroker(sizes.length, async (socket, correlations) => {
      const frames = correlations.map((c, i) => respond(c, sizes[i]!));
      // The first response's prefix over two writes, then its rest together with the whole second response.
      await write(socket, frames[0]!.subarray(0, 1));
      await write(socket, frames[0]!.subarray(1, 3));
      await write(socket, Buffer.concat([frames[0]!.subarray(3), frames[1]!]));
      // The large one in uneven pieces, the last of which carries the next two responses' starts.
      const tail = Buffer.concat([frames[2]!, frames[3]!, frames[4]!]);
      for (let at = 0, piece = 1; at < tail.length; piece = (piece * 7 + 13) % 200_003) {
        await write(socket, tail.subarray(at, Math.min(tail.length, at + piece + 1)));
        at += piece + 1;
      }
    });
    const c = new KafkaConnection({ host: "127.0.0.1", port, clientId: "connection-test", connectTimeoutMs: 5_000 });
    try {
      const got = await Promise.all(sizes.map(() => c.request(1, 4, () => undefined, 20_000)));
      // Correlation ids are given from 1 in request order. Checked after all have arrived, so a
      // body still pointing into the read buffer would show the later responses' bytes.
      got.forEach((body, i) => assert.ok(body.equals(bodyFor(i + 1, sizes[i]!)), `response ${i} (${sizes[i]} bytes) differs`));
    } finally {
      c.close();
      server.close();
    }
  });

  it("fails its requests, naming the broker, when a response's size is too short to hold a correlation id", async () => {
    const { server, port } = await fakeBroker(1, async (socket) => {
      const bad = Buffer.alloc(4);
      bad.writeInt32BE(2, 0);
      await write(socket, bad);
    });
    const c = new KafkaConnection({ host: "127.0.0.1", port, clientId: "connection-test", connectTimeoutMs: 5_000 });
    try {
      await assert.rejects(c.request(1, 4, () => undefined, 5_000), new RegExp(`Broker 127\\.0\\.0\\.1:${port} sent a response of 2 bytes, too short for a correlation id`));
      assert.equal(c.usable, false);
    } finally {
      c.close();
      server.close();
    }
  });
});
