/** FlumeUtils rejects bad arguments when the stream is defined, naming the method, the value and the fix. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FlumeUtils } from "../../../src/connectors/flume/index.js";
import type { StorageLevel } from "../../../src/index.js";
import { flumeContext } from "./support.js";

test("bad addresses, ports, levels and sizes are clear errors naming FlumeUtils' method, the value and the fix", async () => {
  const ssc = flumeContext();
  try {
    assert.throws(() => FlumeUtils.createStream(ssc, "127.0.0.1", 70000), /^IllegalArgumentException: FlumeUtils\.createStream: port must be an integer from 1 to 65535, got 70000 \(for 127\.0\.0\.1\)/);
    assert.throws(() => FlumeUtils.createStream(ssc, "", 41414), /FlumeUtils\.createStream: hostname must be a non-empty string/);
    assert.throws(() => FlumeUtils.createStream(ssc, "127.0.0.1", 41414, "MEMORY_ONLY" as unknown as StorageLevel), /FlumeUtils\.createStream: storageLevel must be a StorageLevel, got MEMORY_ONLY/);
    assert.throws(() => FlumeUtils.createPollingStream(ssc, []), /FlumeUtils\.createPollingStream: addresses must be a non-empty array of SparkSink addresses such as \[\{ host: "127\.0\.0\.1", port: 41415 \}\] or \["127\.0\.0\.1:41415"\], got \[\]/);
    assert.throws(() => FlumeUtils.createPollingStream(ssc, ["127.0.0.1"]), /FlumeUtils\.createPollingStream: address "127\.0\.0\.1" is not host:port; write it as "127\.0\.0\.1:41415"/);
    assert.throws(() => FlumeUtils.createPollingStream(ssc, ["127.0.0.1:0"]), /port must be an integer from 1 to 65535, got 0/);
    assert.throws(() => FlumeUtils.createPollingStream(ssc, ["127.0.0.1:41415"], undefined, 0), /FlumeUtils\.createPollingStream: maxBatchSize must be a positive integer, got 0/);
    assert.throws(() => FlumeUtils.createPollingStream(ssc, ["127.0.0.1:41415"], undefined, 10, 1.5), /parallelism must be a positive integer, got 1\.5/);
    assert.throws(() => FlumeUtils.createPollingStream(ssc, "127.0.0.1", "41415" as unknown as number), /FlumeUtils\.createPollingStream: with a hostname \("127\.0\.0\.1"\), the next argument is the SparkSink's port, got 41415/);
    // Spark's (ssc, host, port) overload is one address with Spark's defaults.
    assert.ok(FlumeUtils.createPollingStream(ssc, "127.0.0.1", 41415));
  } finally {
    await ssc.stop();
  }
});
