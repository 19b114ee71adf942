/**
 * State follows its task: three copies (child processes) keep running word totals with
 * so.updateStateByKey over a 12-partition topic. One copy is SIGKILLed mid-stream, restarted,
 * and then another is killed; the survivors restore the moved tasks' totals from the
 * operator's changelog. Every batch writes every total of its tasks, transactionally: a
 * read_committed reader must see each (batch, word) once, each word's totals must never fall
 * from one batch to the next, and each word's last total must be its count in the input. The
 * copies also keep four-batch windows with an inverse (so.reduceByKeyAndWindow, its state in a
 * changelog too): never below 0 nor above the word's count, and empty again at the end. And they
 * keep the same totals through so.mapWithState: rising record by record, ending at the counts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KafkaClients } from "../../../src/connectors/kafka/index.js";
import { BOOTSTRAP, uniqueTopic, useBroker } from "../kafka/broker.js";
import { copyGroup, eventually, killRestartKill, readCommitted, readInput, wordLines, type Copy } from "./copies.js";

const broker = useBroker();

/** Each word's totals by batch index, from the committed output; a (batch, word) seen twice fails. */
function totalsByWord(out: ReadonlyArray<[string, string]>): Map<string, Array<[number, number]>> {
  const seen = new Set<string>();
  const byWord = new Map<string, Array<[number, number]>>();
  for (const [k, v] of out) {
    assert.ok(!seen.has(k), `(batch, word) ${k} appears once to a read_committed reader`);
    seen.add(k);
    const [batch, word] = k.split(" ") as [string, string];
    const list = byWord.get(word) ?? [];
    list.push([Number(batch), Number(v)]);
    byWord.set(word, list);
  }
  for (const list of byWord.values()) list.sort((a, b) => a[0] - b[0]);
  return byWord;
}

const last = (byWord: Map<string, Array<[number, number]>>): Map<string, number> => new Map([...byWord].map(([w, l]) => [w, l[l.length - 1]![1]] as [string, number]).sort());

describe("KafkaScaleOut state changelog (three copies are child processes)", () => {
  it("totals survive a copy killed mid-stream, restarted, then another killed", async (t) => {
    const partitions = 12;
    const input = await broker.createTopic(uniqueTopic("so-st-in"), partitions);
    const output = await broker.createTopic(uniqueTopic("so-st-out"), 3);
    const app = uniqueTopic("so-st-app");
    const windowOutput = await broker.createTopic(uniqueTopic("so-st-win"), 3);
    const mappedOutput = await broker.createTopic(uniqueTopic("so-st-map"), 3);
    const group = copyGroup({ app, input, output, mode: "state", extra: ["--rate", "10", "--window-output", windowOutput, "--mapped-output", mappedOutput] });
    const { copies, start } = group;
    try {
      const [a, b, c] = [start("a"), start("b"), start("c")];
      const [ra] = await Promise.all([a.report, b.report, c.report]);
      assert.deepEqual(ra.changelogs, [`${app}-totals-changelog`, `${app}-running-changelog`, `${app}-windows-changelog`], "the start-up report names the changelogs");
      const sa = await a.assigned((s) => s.tasks.length === 4, "a runs 4 of the 12 tasks");
      await b.assigned((s) => s.tasks.length === 4 && s.generationId === sa.generationId, "b runs 4");
      await c.assigned((s) => s.tasks.length === 4 && s.generationId === sa.generationId, "c runs 4");

      const words = wordLines(input, partitions, 60);
      await broker.produce(words.records);

      const { b2 } = await killRestartKill(group, a, b, c);

      const expected = new Map([...words.expected].sort());
      let got = new Map<string, Array<[number, number]>>();
      await eventually(
        async () => {
          got = totalsByWord(await readCommitted(output, 3));
          if ([...last(got).values()].reduce((n, x) => n + x, 0) < words.totalWords) return undefined;
          // And four batches later, every word's window has emptied again.
          const lastWindows = last(totalsByWord(await readCommitted(windowOutput, 3)));
          return lastWindows.size === expected.size && [...lastWindows.values()].every((n) => n === 0) ? true : undefined;
        },
        `the last totals add up to ${words.totalWords} words, and the windows are empty again`,
        90_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}: last totals ${JSON.stringify([...last(got)])}, expected ${JSON.stringify([...expected])}\n${copies.map((x: Copy) => `--- ${x.instance}\n${x.output().slice(-2000)}`).join("\n")}`);
      });
      // The rest compares outputs batch by batch, so it needs one consistent snapshot of them all:
      // the copies stopped, and no transaction of theirs still open (the group's offsets, which
      // every batch's transaction commits, are stable again once the broker has aborted them).
      await group.stop();
      const admin = KafkaClients.admin({ "bootstrap.servers": BOOTSTRAP });
      try {
        await eventually(async () => admin.listConsumerGroupOffsets(app).then(() => true, () => undefined), "the group's offsets are stable", 60_000);
        const [d] = await admin.describeTopics([`${app}-totals-changelog`]);
        assert.equal(d!.partitions.length, partitions, "one changelog partition per task");
      } finally {
        await admin.close();
      }
      got = totalsByWord(await readCommitted(output, 3));
      for (const [w, list] of got) {
        for (let i = 1; i < list.length; i++) assert.ok(list[i]![1] >= list[i - 1]![1], `the total of '${w}' never falls: ${JSON.stringify(list)}`);
      }
      assert.deepEqual(last(got), expected, "each word's last total is its count in the input");

      // The windows (four batches, with an inverse) kept their state through the same failovers:
      // never below 0, at most the word's count, and empty again once the input has passed
      // through them. A window whose state was lost or doubled on a move would not come back to 0:
      // the inverse takes out exactly what the window's own state says came in.
      const windows = totalsByWord(await readCommitted(windowOutput, 3));
      let checked = 0;
      for (const [w, list] of windows) {
        for (const [b, n] of list) {
          assert.ok(n >= 0 && n <= expected.get(w)!, `the window of '${w}' at batch ${b} is between 0 and the word's count: ${n}`);
          checked++;
        }
        assert.equal(list[list.length - 1]![1], 0, `the window of '${w}' is empty at the end`);
        assert.ok(list.some(([, n]) => n > 0), `the window of '${w}' held something at some point`);
      }
      assert.deepEqual([...windows.keys()].sort(), [...expected.keys()], "every word has windows");
      t.diagnostic(`${checked} (batch, word) windows checked`);

      // mapWithState kept the same running totals. It maps every record, and each copy sends a
      // word's count of its own tasks, so a batch may map a word more than once: in order, each
      // time higher, and the last one is the word's count.
      const mapped = new Map<string, Array<[number, number]>>();
      for (const [k, v] of await readCommitted(mappedOutput, 3)) {
        const [b, w] = k.split(" ") as [string, string];
        mapped.set(w, [...(mapped.get(w) ?? []), [Number(b), Number(v)]]);
      }
      let mappedChecked = 0;
      for (const [w, list] of mapped) {
        // Per output partition the records keep their order; across batches, order by batch.
        list.sort((x, y) => x[0] - y[0]);
        for (let i = 1; i < list.length; i++) assert.ok(list[i]![1] > list[i - 1]![1], `mapWithState's totals of '${w}' rise record by record: ${JSON.stringify(list)}`);
        mappedChecked += list.length;
      }
      assert.deepEqual(new Map([...mapped].map(([w, l]) => [w, l[l.length - 1]![1]] as [string, number]).sort()), expected, "mapWithState's last totals are the input's counts");
      t.diagnostic(`${mappedChecked} mapWithState totals checked`);

      // The changelog, compacted or not, ends with every word's total.
      const changelog = `${app}-totals-changelog`;
      const latest = new Map<string, number>();
      for (const [k, v] of await readCommitted(changelog, partitions)) latest.set(JSON.parse(k) as string, Number(v));
      assert.deepEqual(new Map([...latest].sort()), expected, "the changelog's latest states are the totals");
      t.diagnostic(`${[...got.values()].reduce((n, l) => n + l.length, 0)} (batch, word) totals; a read ${readInput(a)}, b ${readInput(b)} then ${readInput(b2)}, c ${readInput(c)} records`);
    } finally {
      await group.stop();
    }
  });
});
