/**
 * How a scaled-out application's tasks are placed on its copies. A task is a partition index:
 * task p is partition p of every input topic and of every repartition topic, which all have the
 * same partition count (they are co-partitioned), so one copy holds all the records of the keys
 * that hash to p. The assignor is sticky: a task stays with the copy that reported owning it,
 * unless that copy holds more than its share, so that a copy joining or leaving moves only the
 * tasks it must.
 */

/** What a copy tells the group leader when it joins. */
export interface MemberSubscription {
  readonly memberId: string;
  /** Its `group.instance.id`: stable across restarts, unlike the member id. */
  readonly instanceId: string;
  /** The tasks it ran in the previous generation. */
  readonly owned: readonly number[];
}

function byInstance(a: MemberSubscription, b: MemberSubscription): number {
  return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

/**
 * Tasks 0..taskCount-1 spread over the members: each gets ⌊T/N⌋ or ⌈T/N⌉ of them, keeping as
 * many of those it owned as its share allows; the rest go, lowest first, to members below
 * their share. Deterministic: the same subscriptions give the same assignment, whoever leads.
 */
export function assignTasks(members: readonly MemberSubscription[], taskCount: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (members.length === 0) return out;
  const sorted = [...members].sort(byInstance);
  // A task two members claim (one of them missed a rebalance) goes to the first in order.
  const claimed = new Map<number, string>();
  for (const m of sorted) for (const t of m.owned) if (Number.isInteger(t) && t >= 0 && t < taskCount && !claimed.has(t)) claimed.set(t, m.memberId);
  const owns = (m: MemberSubscription): number[] => m.owned.filter((t) => claimed.get(t) === m.memberId).sort((a, b) => a - b);
  const base = Math.floor(taskCount / sorted.length);
  const extra = taskCount % sorted.length;
  // The larger shares go to the members that already hold the most, so fewer tasks move.
  const bySize = [...sorted].sort((a, b) => owns(b).length - owns(a).length || byInstance(a, b));
  const share = new Map(bySize.map((m, i) => [m.memberId, base + (i < extra ? 1 : 0)]));
  const free: number[] = [];
  for (let t = 0; t < taskCount; t++) if (!claimed.has(t)) free.push(t);
  for (const m of sorted) {
    const kept = owns(m);
    const cap = share.get(m.memberId)!;
    out.set(m.memberId, kept.slice(0, cap));
    free.push(...kept.slice(cap));
  }
  free.sort((a, b) => a - b);
  for (const m of sorted) {
    const mine = out.get(m.memberId)!;
    const cap = share.get(m.memberId)!;
    while (mine.length < cap && free.length > 0) mine.push(free.shift()!);
    mine.sort((a, b) => a - b);
  }
  return out;
}

/** A member's subscription user data: its instance id and the tasks it owns, as JSON. */
export function encodeSubscription(instanceId: string, owned: readonly number[]): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, instanceId, owned }), "utf8");
}

export function decodeSubscription(memberId: string, data: Buffer | undefined | null): MemberSubscription {
  try {
    const parsed = JSON.parse(data ? data.toString("utf8") : "{}") as { instanceId?: unknown; owned?: unknown };
    const instanceId = typeof parsed.instanceId === "string" ? parsed.instanceId : memberId;
    const owned = Array.isArray(parsed.owned) ? parsed.owned.filter((t): t is number => Number.isInteger(t)) : [];
    return { memberId, instanceId, owned };
  } catch {
    // A member that is not a dstream copy (a console consumer in the group by mistake) owns nothing.
    return { memberId, instanceId: memberId, owned: [] };
  }
}
