import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { reconnectDelay, TwitterUtils, type Tweet } from "../../../src/connectors/twitter/index.js";
import { collectAll, recordReceiverEvents, suiteContext, waitFor, withStreaming } from "../../streaming/receivers/support.js";
import { FakeX } from "./fakeX.js";

test("X's reconnect rules: linear 250 ms steps to 16 s on network errors, 5 s doubling to 320 s on HTTP errors, 1 min doubling on 429", () => {
  assert.deepEqual([0, 1, 2, 63, 64, 100].map((a) => reconnectDelay("network", a)), [250, 500, 750, 16_000, 16_000, 16_000]);
  assert.deepEqual([0, 1, 2, 6, 7, 20].map((a) => reconnectDelay("http", a)), [5_000, 10_000, 20_000, 320_000, 320_000, 320_000]);
  assert.deepEqual([0, 1, 2].map((a) => reconnectDelay("rateLimit", a)), [60_000, 120_000, 240_000]);
});

describe("Twitter (X) against a loopback server speaking the v2 filtered stream", () => {
  const conf = { "spark.twitter.stallTimeoutMs": "1000", "spark.twitter.reconnectDelayScale": "0.001", "spark.twitter.backfillMinutes": "2" };
  const sc = suiteContext("local[2]");

  test("rules are synced, chunked NDJSON with keep-alives is read, and a drop, a 429 and a stall reconnect with backfill and no duplicates", async () => {
    const fake = await FakeX.start([
      { tweets: [{ id: "1", text: "hello #spark ünïcode" }, { id: "2", text: "two" }], then: "drop" },
      { status: 429 },
      { tweets: [{ id: "2", text: "two" }, { id: "3", text: "three" }], then: "stall" },
      { tweets: [{ id: "4", text: "four", tag: "dstream" }], then: "open" },
    ]);
    fake.rules = [
      { id: "1", value: "old rule" },
      { id: "2", value: "#spark" },
    ];
    for (const [k, v] of Object.entries({ ...conf, "spark.twitter.apiBase": fake.apiBase })) sc().conf.set(k, v);
    try {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const events = recordReceiverEvents(ssc);
        const stream = TwitterUtils.createStream(ssc, { bearerToken: "T0KEN" }, ["#spark", "#dstream"]);
        const out = collectAll<Tweet>(stream);
        ssc.start();
        await waitFor(() => stream.receivedRecords >= 4, "4 tweets");
        await clock.advance(1000);
        assert.deepEqual(out.map((t) => [t.id, t.text]), [["1", "hello #spark ünïcode"], ["2", "two"], ["3", "three"], ["4", "four"]]);
        assert.deepEqual({ ...out[3]!, raw: undefined }, { id: "4", text: "four", author_id: "42", created_at: "2026-12-07T00:00:00.000Z", lang: "en", matching_rules: [{ id: "100", tag: "dstream" }], raw: undefined });
        assert.deepEqual(fake.rules.map((r) => r.value).sort(), ["#dstream", "#spark"]);
        assert.deepEqual(fake.ruleRequests, [{ delete: { ids: ["1"] } }, { add: [{ value: "#dstream" }] }]);
        assert.deepEqual(fake.streamRequests.map((r) => r.query.get("backfill_minutes")), [null, "2", "2", "2"]);
        assert.ok(fake.streamRequests.every((r) => r.authorization === "Bearer T0KEN"));
        const errors = events.filter((e) => e.kind === "error").map((e) => e.message);
        assert.equal(errors.length, 3);
        assert.match(errors[1]!, /HTTP 429/);
        assert.match(errors[2]!, /no data or keep-alive for 1000 ms/);
      });
    } finally {
      await fake.stop();
    }
  });

  test("a stream line that is not JSON is reported and skipped; the tweets around it are kept", async () => {
    const fake = await FakeX.start([{ tweets: [{ id: "10", text: "before" }, { line: "{not json" }, { id: "11", text: "after" }], then: "open" }]);
    sc().conf.set("spark.twitter.apiBase", fake.apiBase);
    try {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const events = recordReceiverEvents(ssc);
        const stream = TwitterUtils.createStream(ssc, { bearerToken: "T" });
        const out = collectAll<Tweet>(stream);
        ssc.start();
        await waitFor(() => stream.receivedRecords >= 2 && events.some((e) => e.kind === "error"), "two tweets and the error");
        await clock.advance(1000);
        assert.deepEqual(out.map((t) => t.text), ["before", "after"]);
        assert.match(events.find((e) => e.kind === "error")!.message, /Twitter: skipped a stream line that is not JSON \(9 chars: \{not json\)/);
      });
    } finally {
      await fake.stop();
    }
  });

  test("a rule X refuses and a stream message with no tweet are reported naming the value and the fix; the valid rule and the tweets stay", async () => {
    const notice = JSON.stringify({ errors: [{ title: "operational-disconnect", disconnect_type: "UpstreamOperationalDisconnect", detail: "This stream has been disconnected upstream for operational reasons.", type: "https://api.twitter.com/2/problems/operational-disconnect" }] });
    const fake = await FakeX.start([{ tweets: [{ id: "30", text: "kept" }, { line: notice }, { line: '{"data":{"text":"no id"}}' }, { id: "31", text: "also kept" }], then: "open" }]);
    fake.invalidRules.add("bogus:rule");
    sc().conf.set("spark.twitter.apiBase", fake.apiBase);
    try {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const events = recordReceiverEvents(ssc);
        const stream = TwitterUtils.createStream(ssc, { bearerToken: "T" }, ["#spark", "bogus:rule"]);
        const out = collectAll<Tweet>(stream);
        ssc.start();
        await waitFor(() => stream.receivedRecords >= 2 && events.filter((e) => e.kind === "error").length >= 3, "two tweets and three errors");
        await clock.advance(1000);
        assert.deepEqual(out.map((t) => t.text), ["kept", "also kept"]);
        assert.deepEqual(fake.rules.map((r) => r.value), ["#spark"]);
        const errors = events.filter((e) => e.kind === "error").map((e) => e.message);
        assert.match(errors[0]!, /^Twitter: X refused the stream rule "bogus:rule" \(UnprocessableEntity: Reference to invalid operator 'bogus:'\); fix or remove it in createStream's filters/);
        assert.match(errors[1]!, /^Twitter: skipped a stream message that holds no tweet with an id \(\{"errors":\[\{"title":"operational-disconnect"/);
        assert.match(errors[2]!, /no tweet with an id \(\{"data":\{"text":"no id"\}\}\); a tweet is/);
        assert.ok(!events.some((e) => e.kind === "stopped"));
      });
    } finally {
      await fake.stop();
    }
  });

  test("an unreachable server: each failed connect is reported naming the address, and the receiver keeps trying", async () => {
    const fake = await FakeX.start([]);
    const apiBase = fake.apiBase;
    await fake.stop();
    sc().conf.set("spark.twitter.apiBase", apiBase);
    await withStreaming(sc(), async ({ ssc }) => {
      const events = recordReceiverEvents(ssc);
      TwitterUtils.createStream(ssc, { bearerToken: "T" }).foreachRDD(() => undefined);
      ssc.start();
      await waitFor(() => events.filter((e) => e.kind === "error").length >= 3, "three reported connect failures");
      const errors = events.filter((e) => e.kind === "error");
      for (const e of errors) assert.match(e.message, new RegExp(`Twitter: disconnected from ${apiBase.replace(/\./g, "\\.")} \\(.*\\); reconnecting in \\d+ ms`));
      assert.ok(!events.some((e) => e.kind === "stopped"));
    });
  });

  test("a rejected bearer token (HTTP 401) is reported naming the connector, the status and the fix, and the receiver keeps trying", async () => {
    const fake = await FakeX.start([{ status: 401 }, { tweets: [{ id: "20", text: "let in" }], then: "open" }]);
    sc().conf.set("spark.twitter.apiBase", fake.apiBase);
    try {
      await withStreaming(sc(), async ({ ssc, clock }) => {
        const events = recordReceiverEvents(ssc);
        const stream = TwitterUtils.createStream(ssc, { bearerToken: "WRONG" });
        const out = collectAll<Tweet>(stream);
        ssc.start();
        await waitFor(() => stream.receivedRecords >= 1, "the tweet after the 401");
        await clock.advance(1000);
        assert.deepEqual(out.map((t) => t.text), ["let in"]);
        const error = events.find((e) => e.kind === "error")!.message;
        assert.match(error, /^Twitter: disconnected from http:\/\/127\.0\.0\.1:\d+ \(\/2\/tweets\/search\/stream: HTTP 401 .*; check the bearer token and that its app has access to the filtered stream\)/);
      });
    } finally {
      await fake.stop();
    }
  });

  test("a missing bearer token is a clear error naming the connector, the value and the fix", async () => {
    const saved = process.env.X_BEARER_TOKEN;
    delete process.env.X_BEARER_TOKEN;
    try {
      await withStreaming(sc(), async ({ ssc }) => {
        assert.throws(() => TwitterUtils.createStream(ssc), /TwitterUtils\.createStream: no bearer token \(auth\.bearerToken is not given and X_BEARER_TOKEN is not set\); pass \{ bearerToken \}/);
        assert.throws(() => TwitterUtils.createStream(ssc, { bearerToken: "" }), /auth\.bearerToken is ""/);
      });
    } finally {
      if (saved !== undefined) process.env.X_BEARER_TOKEN = saved;
    }
  });

  test("bad filters and a bad numeric setting are clear errors naming the connector, the value and the fix", async () => {
    await withStreaming(sc(), async ({ ssc }) => {
      assert.throws(() => TwitterUtils.createStream(ssc, { bearerToken: "t" }, ["#spark", " "]), /TwitterUtils\.createStream: filters must be non-empty rule strings, got \["#spark"," "\]; pass rules such as/);
      ssc.sparkContext.conf.set("spark.twitter.stallTimeoutMs", "-5");
      assert.throws(() => TwitterUtils.createStream(ssc, { bearerToken: "t" }), /TwitterUtils\.createStream: spark\.twitter\.stallTimeoutMs must be a non-negative number, got '-5'; set it to 0 or more, or leave it unset for 20000/);
      ssc.sparkContext.conf.set("spark.twitter.stallTimeoutMs", "1000");
    });
  });

  test("a bad spark.twitter.apiBase is a clear error naming the connector, the value and the fix", async () => {
    await withStreaming(sc(), async ({ ssc }) => {
      ssc.sparkContext.conf.set("spark.twitter.apiBase", "api.x.com");
      assert.throws(() => TwitterUtils.createStream(ssc, { bearerToken: "t" }), /TwitterUtils\.createStream: spark\.twitter\.apiBase is "api\.x\.com", not an http\(s\) URL; use e\.g\. https:\/\/api\.x\.com/);
    });
  });
});
