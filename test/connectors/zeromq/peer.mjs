// A real ZeroMQ peer for the connector tests, run as a child process: it binds an XPUB (which
// behaves as PUB to subscribers, and also reports their subscriptions) or a PUSH socket, then
// follows JSON-line commands on stdin and reports JSON lines on stdout.
import { XPublisher, Push } from "zeromq";
import { createInterface } from "node:readline";

const [kind, endpoint] = process.argv.slice(2);
const sock = kind === "push" ? new Push({ sendHighWaterMark: 0 }) : new XPublisher({ sendHighWaterMark: 0 });
sock.linger = 0;
await sock.bind(endpoint);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
out({ bound: sock.lastEndpoint });

if (sock instanceof XPublisher) {
  void (async () => {
    for await (const [msg] of sock) {
      // Subscription messages: first byte 1 = subscribe, 0 = unsubscribe, then the topic.
      if (msg[0] === 1) out({ subscribed: msg.subarray(1).toString("utf8") });
    }
  })();
}

const queue = [];
let busy = false;
createInterface({ input: process.stdin }).on("line", (line) => {
  queue.push(JSON.parse(line));
  if (!busy) void drain();
});

async function drain() {
  busy = true;
  while (queue.length > 0) {
    const cmd = queue.shift();
    if (cmd.send) await sock.send(cmd.send);
    if (cmd.burst) {
      const { count, topic } = cmd.burst;
      for (let i = 0; i < count; i++) await sock.send(topic === undefined ? [`m${i}`] : [topic, `m${i}`]);
    }
    out({ done: cmd.id });
  }
  busy = false;
}

process.stdin.on("end", () => {
  sock.close();
  process.exit(0);
});
