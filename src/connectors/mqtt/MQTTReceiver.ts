import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from "mqtt";
import { logger } from "../../core/log.js";
import { StorageLevel } from "../../core/storage/StorageLevel.js";
import { Receiver } from "../../streaming/receiver/Receiver.js";
import { AckingBlockBuffer } from "../../streaming/receiver/AckingBlockBuffer.js";

/** Turns one MQTT message into a record; throwing marks the message undecodable. */
export type MQTTMessageDecoder<T> = (payload: Buffer, topic: string) => T;

export type QoS = 0 | 1 | 2;

/** How the receiver connects and subscribes (Bahir's createStream parameters, as one object). */
export interface MQTTReceiverConfig {
  readonly brokerUrl: string;
  readonly topics: readonly string[];
  readonly qos: QoS;
  readonly clientId: string;
  readonly cleanSession: boolean;
  readonly username?: string;
  readonly password?: string;
  readonly connectTimeoutMs: number;
  readonly keepAliveSec: number;
  /** Session Expiry Interval sent with a persistent session (MQTT 5), in seconds. */
  readonly sessionExpirySec: number;
}

/** An acknowledgement still owed to the broker for one stored message. */
interface PendingAck {
  readonly client: MqttClient;
  readonly packet: IPublishPacket;
}

/** The parts of mqtt.js's client its own packet handlers use to acknowledge; not in its typings. */
interface AckingClient {
  _sendPacket(packet: { cmd: "puback" | "pubrec"; messageId: number }, cb: () => void): void;
  _trackIncomingQoS2Publish(messageId: number, done: () => void): boolean;
}

const DEFERRED = new Error("dstream: acknowledgement deferred until the block is stored");
/** How long a stop waits for stored blocks' acknowledgements to leave, and then for the disconnect. */
const STOP_FLUSH_MS = 2000;

/** `p`, or nothing after `ms`: what a stop waits for must not hold it for ever. */
function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p.then(() => undefined, () => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]).finally(() => clearTimeout(timer));
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Receives from an MQTT broker (Bahir's MQTTReceiver), over MQTT 5 with mqtt.js. QoS 1 and 2
 * messages are acknowledged only once the block holding them is stored (in the write-ahead log
 * when it is on): PUBACK for QoS 1, PUBREC for QoS 2, whose PUBREL the broker then sends. Until
 * then the broker keeps them in the session (`cleanSession: false`) and delivers them again
 * after a reconnect or restart, so nothing acknowledged is lost; a kill between storing and
 * acknowledging delivers a message twice.
 *
 * mqtt.js processes incoming packets one at a time and sends each acknowledgement before taking
 * the next packet; holding the acknowledgement in its callback would allow one message per
 * block. So the receiver ends mqtt.js's handling of each QoS 1/2 PUBLISH without acknowledging
 * it and later sends the acknowledgement itself, the way mqtt.js's own handlers do.
 */
export class MQTTReceiver<T> extends Receiver<T> {
  private client: MqttClient | undefined;
  private buffer: AckingBlockBuffer<T, PendingAck | undefined> | undefined;
  private failures = 0;
  private undecodable = 0;

  constructor(
    readonly config: MQTTReceiverConfig,
    private readonly decode: MQTTMessageDecoder<T>,
    storageLevel: StorageLevel = StorageLevel.MEMORY_AND_DISK_SER,
  ) {
    super(storageLevel);
  }

  /** Messages `decode` rejected (each reported as an error, acknowledged and skipped). */
  get undecodableMessages(): number {
    return this.undecodable;
  }

  onStart(): void {
    const c = this.config;
    this.buffer ??= new AckingBlockBuffer<T, PendingAck | undefined>(this, {
      onStored: (acks) => {
        for (const a of acks) if (a) this.acknowledge(a);
      },
      onStoreFailed: (_acks, e) => this.restart(`MQTT: storing a block from ${c.brokerUrl} failed; the broker delivers its unacknowledged messages again`, e),
    });
    const options: IClientOptions = {
      clientId: c.clientId,
      clean: c.cleanSession,
      protocolVersion: 5,
      reconnectPeriod: 0,
      connectTimeout: c.connectTimeoutMs,
      keepalive: c.keepAliveSec,
      // No Receive Maximum: Mosquitto 2.0.11 (Debian 12) stops delivering a resumed session's
      // queued messages when the client sends one (seen in mqttWalCrash.test.ts); the broker's
      // own max_inflight_messages bounds what is unacknowledged.
      ...(c.cleanSession ? {} : { properties: { sessionExpiryInterval: c.sessionExpirySec } }),
      customHandleAcks: (topic, payload, packet, done) => {
        if (packet.qos !== 2) return done(0);
        // Deferred either way: a message that arrives as the receiver stops is never acknowledged, so the broker delivers it again.
        if (mine()) this.receive(client, topic, payload, packet);
        done(DEFERRED);
      },
      ...(c.username === undefined ? {} : { username: c.username }),
      ...(c.password === undefined ? {} : { password: c.password }),
    };
    const client = connect(c.brokerUrl, options);
    this.client = client;
    const mine = (): boolean => this.client === client && !this.isStopped();
    client.handleMessage = (packet, callback) => {
      if (packet.qos !== 1) return callback();
      // A plain callback() would make mqtt.js send the PUBACK itself: only a stored block acknowledges.
      if (mine()) this.receive(client, packet.topic, packet.payload as Buffer, packet);
      callback(DEFERRED);
    };
    client.on("message", (topic, payload, packet) => {
      if (packet.qos === 0 && mine()) this.receive(client, topic, payload, packet);
    });
    client.on("connect", (connack) => {
      if (!mine()) return;
      client.subscribe([...c.topics], { qos: c.qos }, (err, granted) => {
        if (!mine()) return;
        const refused = granted?.filter((g) => g.qos === 128) ?? [];
        if (err || refused.length > 0) {
          const what = err ? err.message : `the broker refused ${refused.map((g) => g.topic).join(", ")}`;
          this.reconnect(`MQTT: cannot subscribe to ${c.topics.join(", ")} at ${c.brokerUrl}: ${what}; check the topic filters and the client's ACL on the broker`, err ?? undefined);
          return;
        }
        this.failures = 0;
        logger().info(`MQTT receiver ${c.clientId} subscribed to ${c.topics.join(", ")} at ${c.brokerUrl} (QoS ${c.qos}, ${connack.sessionPresent ? "session resumed" : "new session"})`);
      });
    });
    client.on("error", (e) => {
      if (e === DEFERRED || !mine()) return;
      this.reconnect(connectionErrorText(c, e), e);
    });
    client.on("close", () => {
      if (mine()) this.reconnect(`MQTT: connection to ${c.brokerUrl} closed`);
    });
  }

  async onStop(): Promise<void> {
    const client = this.client;
    if (client?.connected) {
      // The acknowledgements of blocks already stored leave before the connection closes: a
      // forced end drops a PUBACK or PUBREC still being written, and the broker would deliver
      // that message again. Bounded, so that a stuck store or connection cannot hold the stop.
      await within(this.buffer?.flushed() ?? Promise.resolve(), STOP_FLUSH_MS);
      await new Promise((r) => setImmediate(r));
    }
    this.client = undefined;
    client?.removeAllListeners("close");
    client?.on("error", () => {});
    if (client?.connected) await within(client.endAsync(false), STOP_FLUSH_MS);
    client?.end(true);
  }

  private reconnect(message: string, error?: unknown): void {
    const delay = Math.min(MAX_BACKOFF_MS, this.restartDelayMs * 2 ** Math.min(this.failures, 10));
    this.failures++;
    this.restart(`${message}; reconnecting in ${delay} ms`, error ?? new Error(message), delay);
  }

  private receive(client: MqttClient, topic: string, payload: Buffer, packet: IPublishPacket): void {
    const ack = packet.qos === 0 ? undefined : { client, packet };
    let record: T;
    try {
      record = this.decode(payload, topic);
    } catch (e) {
      this.undecodable++;
      this.reportError(
        `MQTT: the decoder threw on a ${payload.length}-byte message on topic "${topic}" from ${this.config.brokerUrl}; ` +
          `the message was acknowledged and skipped (${this.undecodable} so far); publish ${(this.decode as unknown) === utf8Text ? "UTF-8 text or use MQTTUtils.createMessageStream with a decoder for your payloads" : "payloads the decoder accepts"}`,
        e,
      );
      if (ack) this.acknowledge(ack);
      return;
    }
    this.buffer!.add(record, ack);
  }

  /** Acknowledges on the connection that delivered the message; a message from a closed one is delivered again. */
  private acknowledge({ client, packet }: PendingAck): void {
    if (client !== this.client || !client.connected || packet.messageId === undefined) return;
    const raw = client as unknown as AckingClient;
    const messageId = packet.messageId;
    if (packet.qos === 1) {
      raw._sendPacket({ cmd: "puback", messageId }, () => {});
    } else if (raw._trackIncomingQoS2Publish(messageId, () => {})) {
      // mqtt.js's PUBREL handler finds the message here and then sends PUBCOMP.
      client.incomingStore.put(packet, () => raw._sendPacket({ cmd: "pubrec", messageId }, () => {}));
    }
  }
}

/** The default decoder: the payload as UTF-8 text, refusing bytes that are not UTF-8. */
export function utf8Text(payload: Buffer): string {
  return UTF8.decode(payload);
}
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function connectionErrorText(c: MQTTReceiverConfig, e: Error & { code?: string | number }): string {
  const code = e.code;
  if (code === 4 || code === 134 || code === 5 || code === 135) {
    return `MQTT: broker ${c.brokerUrl} refused client ${c.clientId}: ${e.message}; check username and password`;
  }
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EHOSTUNREACH") {
    return `MQTT: cannot connect to ${c.brokerUrl} (${code}); start the broker or fix the broker URL`;
  }
  return `MQTT: connection to ${c.brokerUrl} failed: ${e.message}`;
}
