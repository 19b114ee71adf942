/**
 * docs/programming-guide.md, docs/migration.md, docs/connectors.md, docs/sinks.md, docs/event-time.md, docs/kafka.md and docs/scale-out.md: every code block is TypeScript, and every one
 * type-checks (strict) against the public API, `dstream` and its connectors (`dstream/kafka`, `dstream/hdfs`, `dstream/flume`, `dstream/zeromq`, `dstream/twitter`, `dstream/postgres`, `dstream/redis`, `dstream/mqtt`, `dstream/rabbitmq`, `dstream/kafka-scaleout`).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { readDocBlocks, typecheckDocBlocks } from "./helpers/docBlocks.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const docs = ["docs/programming-guide.md", "docs/migration.md", "docs/connectors.md", "docs/sinks.md", "docs/event-time.md", "docs/kafka.md", "docs/scale-out.md"];

test("the guide and the migration table have only TypeScript code blocks", () => {
  for (const doc of docs) {
    const blocks = readDocBlocks(root, doc);
    assert.ok(blocks.length >= (["docs/connectors.md", "docs/sinks.md", "docs/kafka.md", "docs/scale-out.md"].includes(doc) ? 1 : 5), `${doc} has code blocks`);
    // Deployment files (a systemd unit) are not programs; everything else must be TypeScript, to be checked.
    const others = doc === "docs/scale-out.md" ? ["ini"] : [];
    for (const b of blocks) if (!others.includes(b.lang)) assert.equal(b.lang, "ts", `${doc}:${b.line}: a code block must be \`\`\`ts to be checked`);
  }
});

test("every TypeScript block type-checks against the public API", { timeout: 300_000 }, async () => {
  const { checked, errors } = await typecheckDocBlocks(root, docs);
  assert.ok(checked >= 20, `checked ${checked} blocks`);
  assert.deepEqual(errors, [], `type errors in the docs:\n${errors.join("\n")}`);
});
