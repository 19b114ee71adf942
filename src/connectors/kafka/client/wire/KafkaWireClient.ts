import type { KafkaClientConfig } from "../KafkaClientConfig.js";
import { API, readFetchResponse, readListOffsetsResponse, readMetadataResponse, writeFetchRequest, writeListOffsetsRequest, writeMetadataRequest } from "./kafkaApis.js";
import type { BrokerNode, FetchedPartition, FetchRequest, TopicMetadata } from "./kafkaApis.js";
import { KafkaConnection, KafkaNetworkError } from "./KafkaConnection.js";

/** As the client library's `metadataMaxAge`: a moved leader or a new partition is seen within seconds. */
const METADATA_MAX_AGE_MS = 5_000;

/**
 * The part of a Kafka client that an executor needs to read offset ranges: topic metadata from
 * any bootstrap broker, and Fetch and ListOffsets sent to a partition's leader, over one
 * connection per broker. It loads nothing but node's own modules, so an executor thread that
 * only reads never pays the client library's start-up (seconds, compiling its validators).
 */
export class KafkaWireClient {
  private readonly connections = new Map<string, KafkaConnection>();
  private readonly metadataCache = new Map<string, { topic: TopicMetadata | undefined; at: number }>();
  private brokers = new Map<number, BrokerNode>();
  private nextBootstrap = 0;
  private closed = false;

  constructor(private readonly config: KafkaClientConfig) {}

  private connection(host: string, port: number): KafkaConnection {
    if (this.closed) throw new KafkaNetworkError("The Kafka client has been closed");
    const key = `${host}:${port}`;
    let c = this.connections.get(key);
    if (c?.usable) return c;
    c = new KafkaConnection({ host, port, clientId: this.config.clientId, connectTimeoutMs: this.config.connectTimeoutMs, ...(this.config.tls ? { tls: this.config.tls } : {}) });
    this.connections.set(key, c);
    return c;
  }

  /** The topic's metadata (undefined when the cluster does not know it), cached for a few seconds unless `refresh`. */
  async topic(name: string, refresh: boolean): Promise<TopicMetadata | undefined> {
    const cached = this.metadataCache.get(name);
    if (!refresh && cached && Date.now() - cached.at < METADATA_MAX_AGE_MS) return cached.topic;
    const servers = this.config.bootstrapServers;
    let lastError: unknown;
    // Each bootstrap server in turn, starting after the last one that failed.
    for (let i = 0; i < servers.length; i++) {
      const s = servers[(this.nextBootstrap + i) % servers.length]!;
      try {
        const body = await this.connection(s.host, s.port).request(API.metadata.key, API.metadata.version, (w) => writeMetadataRequest(w, [name]), this.config.requestTimeoutMs);
        const md = readMetadataResponse(body);
        this.brokers = new Map(md.brokers);
        const t = md.topics.get(name);
        const known = t && t.errorCode === 0 ? t : undefined;
        this.metadataCache.set(name, { topic: known, at: Date.now() });
        return known;
      } catch (e) {
        lastError = e;
        this.nextBootstrap = (this.nextBootstrap + i + 1) % servers.length;
      }
    }
    throw lastError;
  }

  private leaderConnection(nodeId: number): KafkaConnection {
    const b = this.brokers.get(nodeId);
    if (!b) throw new KafkaNetworkError(`Broker ${nodeId} (a partition's leader) is not in the cluster's metadata`);
    return this.connection(b.host, b.port);
  }

  async fetch(leader: number, request: FetchRequest): Promise<FetchedPartition> {
    const body = await this.leaderConnection(leader).request(
      API.fetch.key,
      API.fetch.version,
      (w) => writeFetchRequest(w, request),
      // The broker may hold a fetch for maxWaitMs before it answers.
      this.config.requestTimeoutMs + request.maxWaitMs,
    );
    return readFetchResponse(body, request.partition);
  }

  /** Kafka's ListOffsets: -2 for the earliest offset, -1 for the latest. */
  async listOffset(leader: number, topic: string, partition: number, timestamp: number): Promise<number> {
    const body = await this.leaderConnection(leader).request(
      API.listOffsets.key,
      API.listOffsets.version,
      (w) => writeListOffsetsRequest(w, topic, partition, timestamp),
      this.config.requestTimeoutMs,
    );
    return readListOffsetsResponse(body, topic, partition);
  }

  close(): void {
    this.closed = true;
    for (const c of this.connections.values()) c.close();
    this.connections.clear();
  }
}
