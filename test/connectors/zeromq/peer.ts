/** Drives test/connectors/zeromq/peer.mjs: a real ZeroMQ PUB (XPUB) or PUSH peer in a child process. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const script = fileURLToPath(new URL("./peer.mjs", import.meta.url));

type PeerEvent = { bound?: string; subscribed?: string; done?: number };

export class ZeroMQPeer {
  readonly subscriptions: string[] = [];
  private readonly events: PeerEvent[] = [];
  private waiters: (() => void)[] = [];
  private nextId = 0;
  endpoint = "";

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const e = JSON.parse(line) as PeerEvent;
      if (e.subscribed !== undefined) this.subscriptions.push(e.subscribed);
      this.events.push(e);
      for (const w of this.waiters.splice(0)) w();
    });
    child.stderr!.on("data", (d: Buffer) => process.stderr.write(`[zeromq peer] ${d.toString()}`));
  }

  /** Starts a peer bound to `endpoint` (tcp://127.0.0.1:* picks a free port). */
  static async start(kind: "pub" | "push", endpoint = "tcp://127.0.0.1:*"): Promise<ZeroMQPeer> {
    const child = spawn(process.execPath, [script, kind, endpoint], { stdio: ["pipe", "pipe", "pipe"] });
    const peer = new ZeroMQPeer(child);
    const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`zeromq peer exited with ${code} before binding ${endpoint}`))));
    await Promise.race([peer.until((e) => e.bound !== undefined), exited]);
    peer.endpoint = peer.events.find((e) => e.bound !== undefined)!.bound!;
    return peer;
  }

  /** Resolves once the peer has reported an event matching `p`. */
  until(p: (e: PeerEvent) => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.events.some(p)) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }

  /** Resolves once a subscriber has subscribed to `topic` (count-th time, for reconnects). */
  subscribed(topic: string, count = 1): Promise<void> {
    return this.until(() => this.subscriptions.filter((t) => t === topic).length >= count);
  }

  private command(cmd: Record<string, unknown>): Promise<void> {
    const id = this.nextId++;
    this.child.stdin!.write(JSON.stringify({ ...cmd, id }) + "\n");
    return this.until((e) => e.done === id);
  }

  /** Sends one multipart message; resolves once the peer has queued it. */
  send(...frames: string[]): Promise<void> {
    return this.command({ send: frames });
  }

  /** Sends `count` messages `m0..m{count-1}`, each after a `topic` frame when given. */
  burst(count: number, topic?: string): Promise<void> {
    return this.command({ burst: { count, topic } });
  }

  /** Kills the peer (no goodbye: the receiver sees the connection drop). */
  async kill(): Promise<void> {
    // A killed child has a signalCode and no exitCode.
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.child.once("exit", () => r()));
    this.child.kill("SIGKILL");
    await gone;
  }
}
