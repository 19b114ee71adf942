import { readFileSync } from "node:fs";
import { warnOnceOnDriver } from "../../../core/log.js";
import { ConfigException } from "../errors.js";

export interface BrokerAddress {
  readonly host: string;
  readonly port: number;
}

export interface SaslSettings {
  readonly mechanism: "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512";
  readonly username: string;
  readonly password: string;
}

/**
 * The connection settings every client shares, as plain data so that they can travel to an
 * executor thread. Built from Kafka's own property names (`bootstrap.servers`, `client.id`,
 * `security.protocol`, ...) by `clientConfigFromParams`.
 */
export interface KafkaClientConfig {
  readonly bootstrapServers: readonly BrokerAddress[];
  readonly clientId: string;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly tls?: { readonly ca?: string; readonly rejectUnauthorized: boolean };
  readonly sasl?: SaslSettings;
}

/** Kafka's `host:port`, `[ipv6]:port` and `LISTENER://host:port` forms. */
const HOST_PORT = /^(?:[A-Za-z_][A-Za-z0-9_]*:\/\/)?(?:\[([0-9a-fA-F:.%]+)\]|([0-9A-Za-z\-%._]+)):([0-9]+)$/;

/** Parses `bootstrap.servers` as Kafka's `ClientUtils.parseAndValidateAddresses` does, with its messages. */
export function parseBootstrapServers(value: unknown): BrokerAddress[] {
  let urls: string[];
  if (typeof value === "string") urls = value.split(",");
  else if (Array.isArray(value) && value.every((v) => typeof v === "string")) urls = value as string[];
  else if (value === undefined || value === null) {
    throw new ConfigException(
      'Missing required configuration "bootstrap.servers" which has no default value. Set it to the brokers\' host:port[,host:port...] ' +
        "(Spark 0.8's name for it, metadata.broker.list, is accepted too).",
    );
  } else {
    throw new ConfigException(`Invalid value ${JSON.stringify(value)} for configuration bootstrap.servers: expected "host:port[,host:port...]".`);
  }
  const out: BrokerAddress[] = [];
  for (const raw of urls) {
    const url = raw.trim();
    if (url === "") continue;
    const m = HOST_PORT.exec(url);
    const port = m ? Number(m[3]) : NaN;
    if (!m || !(port >= 1 && port <= 65535)) {
      throw new ConfigException(`Invalid url in bootstrap.servers: ${url} (expected host:port, e.g. 127.0.0.1:9092)`);
    }
    out.push({ host: m[1] ?? m[2]!, port });
  }
  if (out.length === 0) throw new ConfigException("No resolvable bootstrap urls given in bootstrap.servers");
  return out;
}

export function describeBrokers(brokers: readonly BrokerAddress[]): string {
  return brokers.map((b) => (b.host.includes(":") ? `[${b.host}]:${b.port}` : `${b.host}:${b.port}`)).join(",");
}

/** A numeric Kafka setting, accepting numbers or numeric strings as Java properties do. */
export function intSetting(params: Readonly<Record<string, unknown>>, key: string, dflt: number): number {
  const v = params[key];
  if (v === undefined) return dflt;
  const n = typeof v === "number" ? v : Number(String(v));
  if (!Number.isFinite(n) || n < 0) throw new ConfigException(`Invalid value ${JSON.stringify(v)} for configuration ${key}: expected a non-negative number.`);
  return n;
}

function stringParam(params: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const v = params[key];
  if (v === undefined || v === null) return undefined;
  return String(v);
}

/** Reads `username` and `password` from a JAAS line such as Kafka's PlainLoginModule configuration. */
function jaasCredentials(jaas: string): { username?: string; password?: string } {
  const field = (name: string): string | undefined => new RegExp(`${name}\\s*=\\s*"([^"]*)"`).exec(jaas)?.[1];
  return { username: field("username"), password: field("password") };
}

/**
 * `bootstrap.servers`, or Spark 0.8's `metadata.broker.list` (the name its Kafka 0.8 direct
 * stream read, as many PySpark programs still pass it), with a note saying so.
 */
function brokerList(params: Readonly<Record<string, unknown>>): unknown {
  const current = params["bootstrap.servers"];
  const old = params["metadata.broker.list"];
  if (old === undefined || old === null) return current;
  if (current === undefined || current === null) {
    warnOnceOnDriver(
      "kafka:metadata.broker.list",
      `Kafka: metadata.broker.list is Spark 0.8's name for bootstrap.servers; using ${String(old)} as bootstrap.servers. Rename the setting to bootstrap.servers.`,
    );
    return old;
  }
  if (String(old) !== String(current)) {
    warnOnceOnDriver(
      "kafka:metadata.broker.list:both",
      `Kafka: both bootstrap.servers (${String(current)}) and Spark 0.8's metadata.broker.list (${String(old)}) are set; metadata.broker.list is ignored.`,
    );
  }
  return current;
}

/** The shared connection settings, validated, from Kafka-named parameters. */
export function clientConfigFromParams(params: Readonly<Record<string, unknown>>, defaultClientId: string): KafkaClientConfig {
  const bootstrapServers = parseBootstrapServers(brokerList(params));
  const protocol = (stringParam(params, "security.protocol") ?? "PLAINTEXT").toUpperCase();
  if (!["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"].includes(protocol)) {
    throw new ConfigException(`Invalid value ${protocol} for configuration security.protocol: use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.`);
  }
  let tls: KafkaClientConfig["tls"];
  if (protocol === "SSL" || protocol === "SASL_SSL") {
    const caPath = stringParam(params, "ssl.ca.location") ?? stringParam(params, "ssl.truststore.location");
    const verify = stringParam(params, "ssl.endpoint.identification.algorithm") !== "";
    tls = { ...(caPath ? { ca: readFileSync(caPath, "utf8") } : {}), rejectUnauthorized: verify };
  }
  let sasl: SaslSettings | undefined;
  if (protocol.startsWith("SASL_")) {
    const mechanism = (stringParam(params, "sasl.mechanism") ?? "PLAIN").toUpperCase();
    if (mechanism !== "PLAIN" && mechanism !== "SCRAM-SHA-256" && mechanism !== "SCRAM-SHA-512") {
      throw new ConfigException(`Unsupported sasl.mechanism ${mechanism}: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512.`);
    }
    const jaas = jaasCredentials(stringParam(params, "sasl.jaas.config") ?? "");
    const username = stringParam(params, "sasl.username") ?? jaas.username;
    const password = stringParam(params, "sasl.password") ?? jaas.password;
    if (username === undefined || password === undefined) {
      throw new ConfigException(`security.protocol ${protocol} needs sasl.username and sasl.password (or sasl.jaas.config with username and password).`);
    }
    sasl = { mechanism, username, password };
  }
  return {
    bootstrapServers,
    clientId: stringParam(params, "client.id") ?? defaultClientId,
    requestTimeoutMs: intSetting(params, "request.timeout.ms", 30_000),
    connectTimeoutMs: intSetting(params, "socket.connection.setup.timeout.ms", 10_000),
    ...(tls ? { tls } : {}),
    ...(sasl ? { sasl } : {}),
  };
}
