import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { assignTasks, type MemberSubscription } from "../../../src/connectors/kafka-scaleout/index.js";

const m = (instanceId: string, owned: number[] = []): MemberSubscription => ({ memberId: `${instanceId}-member`, instanceId, owned });

function check(result: Map<string, number[]>, taskCount: number): void {
  const all = [...result.values()].flat().sort((a, b) => a - b);
  assert.deepEqual(all, Array.from({ length: taskCount }, (_, i) => i), "every task exactly once");
  const sizes = [...result.values()].map((t) => t.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `balanced: ${JSON.stringify(sizes)}`);
}

describe("sticky co-partitioning assignor", () => {
  it("spreads the tasks evenly and gives each exactly once", () => {
    for (const [n, t] of [[1, 12], [2, 12], [3, 12], [5, 12], [4, 3], [3, 1]] as const) {
      const members = Array.from({ length: n }, (_, i) => m(`copy-${i}`));
      check(assignTasks(members, t), t);
    }
  });

  it("keeps every task whose owner stays, when a copy joins", () => {
    const before = assignTasks([m("a"), m("b")], 12);
    const a = before.get("a-member")!;
    const b = before.get("b-member")!;
    const after = assignTasks([m("a", a), m("b", b), m("c")], 12);
    check(after, 12);
    const moved = [...a.filter((t) => !after.get("a-member")!.includes(t)), ...b.filter((t) => !after.get("b-member")!.includes(t))];
    assert.equal(moved.length, 4, `only the joiner's share moves: ${JSON.stringify(Object.fromEntries(after))}`);
    assert.deepEqual([...after.get("c-member")!].sort((x, y) => x - y), [...moved].sort((x, y) => x - y));
  });

  it("moves only a dead copy's tasks to the survivors", () => {
    const three = assignTasks([m("a"), m("b"), m("c")], 12);
    const after = assignTasks([m("a", three.get("a-member")), m("c", three.get("c-member"))], 12);
    check(after, 12);
    for (const id of ["a", "c"]) for (const t of three.get(`${id}-member`)!) assert.ok(after.get(`${id}-member`)!.includes(t), `${id} keeps task ${t}`);
  });

  it("gives the same answer whoever computes it (order of members does not matter)", () => {
    const members = [m("x", [0, 1, 2]), m("y", [3]), m("z", [])];
    const one = assignTasks(members, 7);
    const two = assignTasks([...members].reverse(), 7);
    assert.deepEqual(Object.fromEntries(one), Object.fromEntries(two));
  });

  it("gives a task two copies claim to only one of them", () => {
    const r = assignTasks([m("a", [0, 1]), m("b", [1, 2])], 4);
    check(r, 4);
  });
});
