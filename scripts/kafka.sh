#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft: one process is broker and controller) on loopback, for
# dstream's tests and examples. The broker's jars come from Maven Central with Maven.
#
#   scripts/kafka.sh install   fetch the jars into the cache (once per version)
#   scripts/kafka.sh start     install if needed, format storage if new, start, wait until ready
#   scripts/kafka.sh stop      stop the broker this script started
#   scripts/kafka.sh status    say whether a broker answers at the address; exit 1 if not
#   scripts/kafka.sh clean     stop, then delete the broker's data (topics, offsets)
#
# Environment (all optional):
#   KAFKA_BOOTSTRAP        host:port the broker listens on and advertises   (127.0.0.1:9092)
#   KAFKA_CONTROLLER_PORT  the KRaft controller's port                      (broker port + 1)
#   KAFKA_VERSION          Apache Kafka release from Maven Central          (4.1.2)
#   DSTREAM_CACHE          where jars and broker state live                 (~/.cache/dstream)
#   KAFKA_HEAP_OPTS        JVM heap flags                                   (-Xms256m -Xmx1g)
#   KAFKA_START_TIMEOUT    seconds to wait for readiness                    (90)
#   KAFKA_EXTRA_CONFIG     server.properties lines (key=value, one a line) appended to the
#                          generated ones; a key given here overrides the generated value, e.g.
#                          KAFKA_EXTRA_CONFIG=transaction.state.log.replication.factor=3 gives a
#                          broker whose transaction coordinator never becomes available (the
#                          transaction log needs 3 brokers), as a single broker with Kafka's
#                          default of 3 has. Read at each start of a stopped broker.
#
# Every command is idempotent: `start` on a running broker only checks that it is ready.
set -euo pipefail

say() { echo "kafka.sh: $*" >&2; }
# shellcheck source=lib/service.sh
source "$(dirname "$0")/lib/service.sh"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.2}"
SCALA_VERSION="2.13"
BOOTSTRAP="${KAFKA_BOOTSTRAP:-127.0.0.1:9092}"
HOST="${BOOTSTRAP%:*}"
PORT="${BOOTSTRAP##*:}"
if [[ "$BOOTSTRAP" != *:* || ! "$PORT" =~ ^[0-9]+$ || -z "$HOST" ]]; then
  echo "kafka.sh: KAFKA_BOOTSTRAP must be host:port (got '$BOOTSTRAP')" >&2
  exit 2
fi
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}"
HOME_DIR="$CACHE/kafka-$KAFKA_VERSION"
LIBS="$HOME_DIR/libs"
TOOLS="$HOME_DIR/tools"
# State is per version and port, so brokers on different ports (or versions) never share a log dir.
use_run_dir "$HOME_DIR/run-$PORT" broker
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"

install() {
  if [[ -f "$LIBS/.complete" && -f "$TOOLS/KafkaReady.class" ]]; then return 0; fi
  need_jdk_and_maven
  mkdir -p "$HOME_DIR"
  if [[ ! -f "$LIBS/.complete" ]]; then
    say "fetching Apache Kafka $KAFKA_VERSION from Maven Central into $LIBS"
    # The distribution's logging backend is not a dependency of the broker jar; slf4j-simple is
    # the smallest one that writes the broker's log, and it matches kafka's slf4j 1.7 API.
    write_pom "$HOME_DIR/pom.xml" kafka-broker-jars "$KAFKA_VERSION" <<EOF
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_$SCALA_VERSION</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-simple</artifactId>
      <version>1.7.36</version>
    </dependency>
  </dependencies>
EOF
    fetch_runtime_jars "$HOME_DIR" "$LIBS" "Kafka $KAFKA_VERSION"
  fi
  mkdir -p "$TOOLS"
  javac -d "$TOOLS" -cp "$LIBS/*" "$(dirname "$0")/kafka/KafkaReady.java"
  say "Kafka $KAFKA_VERSION installed: $(ls "$LIBS"/*.jar | wc -l) jars"
}

# The recorded pid is ours only while it is still a Kafka broker: a stale file may name a reused pid.
pid_alive() {
  pid_runs "$PID_FILE" "kafka.Kafka $RUN/server.properties"
}

# A metadata request with Kafka's own admin client: the broker is ready once it is registered,
# unfenced and the controller is known. Prints nothing; the exit code is the answer.
ready() {
  local timeout_ms="${1:-3000}"
  java -cp "$TOOLS:$LIBS/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=off KafkaReady "$BOOTSTRAP" "$timeout_ms" >/dev/null 2>&1
}

write_config() {
  mkdir -p "$RUN/data"
  cat >"$RUN/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$RUN/data
num.partitions=1
# Tests name every topic they use; a typo must be an unknown-topic error, not a new topic.
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=8
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=24
EOF
  if [[ -n "${KAFKA_EXTRA_CONFIG:-}" ]]; then
    # java.util.Properties keeps the last value of a repeated key, so appending overrides.
    printf '# KAFKA_EXTRA_CONFIG\n%s\n' "$KAFKA_EXTRA_CONFIG" >>"$RUN/server.properties"
  fi
}

format_storage() {
  if [[ -f "$RUN/data/meta.properties" ]]; then return 0; fi
  local cluster_id
  # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding.
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  java -cp "$LIBS/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn kafka.tools.StorageTool format \
    -t "$cluster_id" -c "$RUN/server.properties" >>"$LOG_FILE" 2>&1 || {
    say "formatting KRaft storage in $RUN/data failed; see $LOG_FILE"
    tail -20 "$LOG_FILE" >&2
    exit 1
  }
}

start() {
  install
  if pid_alive; then
    if ready 5000; then say "broker already running at $BOOTSTRAP (pid $(cat "$PID_FILE"))"; return 0; fi
  elif ready 2000; then
    say "a broker already answers at $BOOTSTRAP (not started by this script); using it"
    return 0
  fi
  if ! pid_alive; then
    if port_open "$HOST" "$PORT"; then
      say "port $PORT on $HOST is in use by something that is not a Kafka broker; set KAFKA_BOOTSTRAP to another address"
      exit 1
    fi
    need java "install Java 17 or later"
    write_config
    mkdir -p "$RUN"
    : >"$LOG_FILE"
    format_storage
    say "starting Kafka $KAFKA_VERSION at $BOOTSTRAP (log: $LOG_FILE)"
    local heap="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
    spawn_detached "$PID_FILE" "$LOG_FILE" \
      java $heap -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true \
      "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS" -Dorg.slf4j.simpleLogger.logFile=System.out \
      -cp "$LIBS/*" kafka.Kafka "$RUN/server.properties"
  fi
  wait_ready "the broker" 0.5 pid_alive -- ready 3000
  say "broker ready at $BOOTSTRAP (pid $(cat "$PID_FILE"))"
}

stop() {
  if ! pid_alive; then
    rm -f "$PID_FILE"
    say "no broker started by this script is running for port $PORT"
    return 0
  fi
  stop_pid "$PID_FILE" broker
  say "broker stopped"
}

status() {
  if [[ ! -f "$LIBS/.complete" || ! -f "$TOOLS/KafkaReady.class" ]]; then
    say "Kafka $KAFKA_VERSION is not installed; run: bash scripts/kafka.sh start"
    return 1
  fi
  if ready 3000; then
    if pid_alive; then say "ready at $BOOTSTRAP (pid $(cat "$PID_FILE"), log $LOG_FILE)"; else say "ready at $BOOTSTRAP (not started by this script)"; fi
    return 0
  fi
  if pid_alive; then say "pid $(cat "$PID_FILE") is running but the broker at $BOOTSTRAP does not answer yet (log $LOG_FILE)"; else say "no broker at $BOOTSTRAP; run: bash scripts/kafka.sh start"; fi
  return 1
}

clean() {
  stop
  rm -rf "$RUN"
  say "deleted $RUN"
}

run_command "{install|start|stop|restart|status|clean}" "${1:-}" install start stop restart status clean
