/**
 * A ZeroMQ PUB socket on loopback that publishes a few words on one topic every 100 ms, as
 * Bahir's SimpleZeroMQPublisher does: the input of ZeroMQWordCount when no URL and topic are
 * given. It runs on the driver's main thread only (zeromq's addon must stay out of workers).
 */
export async function startSampleZeroMQPublisher(topic: string): Promise<{ url: string; close(): void }> {
  const { Publisher } = await import("zeromq");
  const socket = new Publisher({ linger: 0 });
  await socket.bind("tcp://127.0.0.1:*");
  const messages = ["words", "may", "count infinitely"];
  let i = 0;
  let sending = false;
  const timer = setInterval(() => {
    // A slow subscriber must not queue sends: skip a tick rather than pile up promises.
    if (sending) return;
    sending = true;
    socket.send([topic, messages[i++ % messages.length]!]).then(
      () => (sending = false),
      () => clearInterval(timer),
    );
  }, 100);
  timer.unref();
  return {
    url: socket.lastEndpoint!,
    close() {
      clearInterval(timer);
      socket.close();
    },
  };
}
