import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Readable } from "node:stream";
import { SocketReceiver, type DStream } from "../../../src/index.js";
import { MASTERS, TestServer, captureStdout, recordReceiverEvents, suiteContext, waitFor, withStreaming } from "../receivers/support.js";

const DASHES = "-".repeat(43);

/** Spark's print layout for one batch. */
function printed(timeMs: number, lines: string[], more = false): string {
  return [DASHES, `Time: ${timeMs} ms`, DASHES, ...lines, ...(more ? ["..."] : []), ""].map((l) => l + "\n").join("");
}

function wordCounts(lines: DStream<string>): DStream<[string, number]> {
  return lines
    .flatMap((l) => l.split(" "))
    .filter((w) => w.length > 0)
    .map((w) => [w, 1] as [string, number])
    .reduceByKey((a, b) => a + b);
}

for (const master of MASTERS) {
  describe(`socket streams [${master}]`, () => {
    const sc = suiteContext(master);

    test("a socket word count prints Spark's layout, byte for byte", async () => {
      const server = await TestServer.start();
      try {
        const stdout = await captureStdout(() =>
          withStreaming(sc(), async ({ ssc, clock }) => {
            const lines = ssc.socketTextStream("127.0.0.1", server.port);
            const counts = wordCounts(lines).transform((rdd) => rdd.sortByKey(true, 1));
            counts.pprint();
            counts.pprint(3);
            ssc.start();
            await waitFor(() => server.connections.length === 1, "the receiver to connect");
            await server.send("to be or not to be\nthat is the question\n");
            await waitFor(() => lines.receivedRecords === 2, "two lines to arrive");
            await clock.advance(1000);
            await clock.advance(1000);
          }),
        );
        const counts = ["(be,2)", "(is,1)", "(not,1)", "(or,1)", "(question,1)", "(that,1)", "(the,1)", "(to,2)"];
        assert.equal(stdout, printed(1000, counts) + printed(1000, counts.slice(0, 3), true) + printed(2000, []) + printed(2000, []));
      } finally {
        await server.stop();
      }
    });

    test("lines split across TCP chunks, inside UTF-8 characters and between \\r and \\n, arrive whole", async () => {
      const server = await TestServer.start();
      try {
        await withStreaming(sc(), async ({ ssc, clock }) => {
          const lines = ssc.socketTextStream("127.0.0.1", server.port);
          const out: string[] = [];
          lines.foreachRDD(async (rdd) => {
            out.push(...(await rdd.collect()));
          });
          ssc.start();
          await waitFor(() => server.connections.length === 1, "the receiver to connect");
          const bytes = Buffer.from("naïve café\r\nグラフ 日本語\nmix\rend\n", "utf8");
          // One byte per write, each handed to the kernel before the next, so chunks split everywhere.
          for (let i = 0; i < bytes.length; i++) await server.send(bytes.subarray(i, i + 1));
          await waitFor(() => lines.receivedRecords === 4, "four lines to arrive");
          await clock.advance(1000);
          assert.deepEqual(out, ["naïve café", "グラフ 日本語", "mix", "end"]);
        });
      } finally {
        await server.stop();
      }
    });

    test("a last line without a terminator counts once the server closes the connection", async () => {
      const server = await TestServer.start((s) => s.end("first\nlast without newline"));
      try {
        await withStreaming(sc(), async ({ ssc, clock }) => {
          const lines = ssc.socketTextStream("127.0.0.1", server.port);
          const out: string[] = [];
          lines.foreachRDD(async (rdd) => {
            out.push(...(await rdd.collect()));
          });
          ssc.start();
          await waitFor(() => lines.receivedRecords >= 2, "both lines to arrive");
          await clock.advance(1000);
          assert.deepEqual(out.slice(0, 2), ["first", "last without newline"]);
        });
      } finally {
        await server.stop();
      }
    });

    test("when the server closes the connection, the receiver reconnects and keeps receiving", async () => {
      const server = await TestServer.start();
      try {
        await withStreaming(sc(), async ({ ssc, clock }) => {
          const events = recordReceiverEvents(ssc);
          const lines = ssc.socketTextStream("127.0.0.1", server.port);
          const out: string[][] = [];
          lines.foreachRDD(async (rdd) => {
            out.push(await rdd.collect());
          });
          ssc.start();
          await waitFor(() => server.connections.length === 1, "the first connection");
          await server.send("one\n");
          await waitFor(() => lines.receivedRecords === 1, "the first line");
          server.endConnections();
          await waitFor(() => server.accepted === 2 && server.connections.length === 1, "the receiver to reconnect");
          await server.send("two\n");
          await waitFor(() => lines.receivedRecords === 2, "the second line");
          await clock.advance(1000);
          assert.deepEqual(out, [["one", "two"]]);
          assert.deepEqual(
            events.map((e) => `${e.kind}: ${e.message}`),
            ["started: ", "stopped: Restarting receiver with delay 20ms: Socket data stream had no more data", "started: "],
          );
          assert.equal(events[0]!.name, "SocketReceiver-0");
        });
      } finally {
        await server.stop();
      }
    });

    test("while the server is down the receiver reports errors and backs off; it reconnects when the server is back", async () => {
      const server = await TestServer.start();
      try {
        await withStreaming(sc(), async ({ ssc, clock }) => {
          const events = recordReceiverEvents(ssc);
          const lines = ssc.socketTextStream("127.0.0.1", server.port);
          const out: string[][] = [];
          lines.foreachRDD(async (rdd) => {
            out.push(await rdd.collect());
          });
          ssc.start();
          await waitFor(() => server.connections.length === 1, "the first connection");
          await server.send("before\n");
          await waitFor(() => lines.receivedRecords === 1, "the first line");
          await server.stop();
          const errors = () => events.filter((e) => e.kind === "error");
          await waitFor(() => errors().length >= 3, "three failed reconnection attempts");
          await server.restart();
          await waitFor(() => server.connections.length === 1, "the receiver to reconnect");
          await server.send("after\n");
          await waitFor(() => lines.receivedRecords === 2, "the line sent after the restart");
          await clock.advance(1000);
          assert.deepEqual(out, [["before", "after"]]);
          const failures = errors();
          for (const e of failures) {
            assert.equal(e.message, `Error connecting to 127.0.0.1:${server.port}`);
            assert.match(e.error, /ECONNREFUSED/);
          }
          // Each failed attempt waits twice as long as the one before.
          const delays = events
            .filter((e) => e.kind === "stopped" && e.message.includes("Error connecting"))
            .map((e) => Number(/delay (\d+)ms/.exec(e.message)![1]));
          assert.ok(delays.length >= 3);
          for (let i = 1; i < delays.length; i++) assert.equal(delays[i], delays[i - 1]! * 2);
          assert.equal(ssc.getState(), "ACTIVE");
          assert.equal(await ssc.awaitTerminationOrTimeout(0), false);
        });
      } finally {
        await server.stop();
      }
    });

    test("socketStream runs the converter on the connection's bytes", async () => {
      const server = await TestServer.start((s) => s.write("3,4\n10,20\n"));
      async function* pairs(input: Readable): AsyncIterable<[number, number]> {
        for await (const line of SocketReceiver.bytesToLines(input)) {
          const [a, b] = line.split(",").map(Number);
          yield [a!, b!];
        }
      }
      try {
        await withStreaming(sc(), async ({ ssc, clock }) => {
          const stream = ssc.socketStream("127.0.0.1", server.port, pairs);
          const out: number[][] = [];
          stream.map(([a, b]) => a * b).foreachRDD(async (rdd) => {
            out.push(await rdd.collect());
          });
          ssc.start();
          await waitFor(() => stream.receivedRecords === 2, "two records");
          await clock.advance(1000);
          assert.deepEqual(out, [[12, 200]]);
        });
      } finally {
        await server.stop();
      }
    });

    test("a host that cannot be reached is reported, never fatal", async () => {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const events = recordReceiverEvents(ssc);
        const out: string[][] = [];
        ssc.socketTextStream("host.invalid", 9).foreachRDD(async (rdd) => {
          out.push(await rdd.collect());
        });
        ssc.start();
        await waitFor(() => events.some((e) => e.kind === "error"), "a reported connection error");
        await clock.advance(1000);
        assert.deepEqual(out, [[]]);
        assert.equal(events.find((e) => e.kind === "error")!.message, "Error connecting to host.invalid:9");
        assert.equal(ssc.getState(), "ACTIVE");
      });
    });

    test("arguments are checked when the stream is defined", async () => {
      await withStreaming(sc(), async ({ ssc }) => {
        assert.throws(() => ssc.socketTextStream("localhost", 70000), /socketTextStream: port must be an integer from 1 to 65535, got 70000/);
        assert.throws(() => ssc.socketTextStream("", 9999), /hostname must be a non-empty string/);
        assert.throws(() => ssc.socketStream("localhost", 9999, undefined as never), /converter must be a function/);
      });
    });
  });
}
