#!/usr/bin/env bash
# Apache Flume 1.11.0 agents on loopback, for dstream's Flume connector tests and examples. The
# agent's jars come from Maven Central with Maven, together with Spark's own SparkSink
# (spark-streaming-flume-sink_2.12:2.4.8, the last Spark release that shipped it) for the polling
# stream.
#
#   scripts/flume.sh install                      fetch the jars into the cache (once per version)
#   scripts/flume.sh start [AGENT [CONFIG]]       start an agent and wait until its channels and sinks are up
#   scripts/flume.sh stop [AGENT]                 stop an agent this script started
#   scripts/flume.sh status [AGENT]               say whether the agent runs; exit 1 if not
#
# Without AGENT, the agent is "dstream" with the default configuration below: a netcat source on
# 127.0.0.1:44444 (send it lines with `nc 127.0.0.1 44444`), replicated into two file channels,
# drained by an Avro sink that pushes to 127.0.0.1:41414 (FlumeUtils.createStream) and by Spark's
# SparkSink listening on 127.0.0.1:41415 (FlumeUtils.createPollingStream). Tests start agents of
# their own with AGENT and a CONFIG file (Flume's properties format, agent name = AGENT); each
# agent keeps its pid, log and file-channel data under its own run directory.
#
# Environment (all optional):
#   FLUME_MONITOR_PORT   the agent's HTTP metrics port (Flume's JSON /metrics)   (41416; tests pass their own)
#   DSTREAM_CACHE        where jars and agent state live                          (~/.cache/dstream)
#   FLUME_HEAP_OPTS      JVM heap flags                                          (-Xms64m -Xmx256m)
#   FLUME_START_TIMEOUT  seconds to wait for readiness                           (60)
#
# Java 17: Flume 1.11 runs on it with no --add-opens flags (checked for the sequence-generator and
# netcat sources, the memory and file channels, the Avro sink with and without deflate, the Avro
# source and the SparkSink). What Java 17 does break is Spark's SparkSink: it was compiled against
# Avro 1.8, whose NettyServer (on Netty 3) moved to avro-ipc-netty in Avro 1.9+. The compat/
# directory holds avro-ipc 1.8.2 and Netty 3.10.6 and goes LAST on the classpath, so the only
# classes taken from it are the ones Flume's own Avro 1.11 lacks (org.apache.avro.ipc.NettyServer
# and its Netty 3 codec); everything else resolves to Avro 1.11 first.
#
# Every command is idempotent: `start` on a running agent only checks that it is ready.
set -euo pipefail

say() { echo "flume.sh: $*" >&2; }
# shellcheck source=lib/service.sh
source "$(dirname "$0")/lib/service.sh"

FLUME_VERSION="1.11.0"
SPARK_SINK_VERSION="2.4.8"
HOME_DIR="$CACHE/flume-$FLUME_VERSION"
LIBS="$HOME_DIR/libs"
COMPAT="$HOME_DIR/compat"
START_TIMEOUT="${FLUME_START_TIMEOUT:-60}"
AGENT="${2:-dstream}"
CONFIG_ARG="${3:-}"
if [[ ! "$AGENT" =~ ^[A-Za-z0-9_-]+$ ]]; then
  echo "flume.sh: the agent name must be letters, digits, '-' or '_' (got '$AGENT')" >&2
  exit 2
fi
use_run_dir "$HOME_DIR/run-$AGENT" agent
CONF_FILE="$RUN/agent.properties"
PORT_FILE="$RUN/monitor.port"

install() {
  if [[ -f "$LIBS/.complete" && -f "$COMPAT/.complete" ]]; then return 0; fi
  need java "install Java 17 or later"
  need mvn "install Maven, e.g. apt-get install maven"
  mkdir -p "$HOME_DIR"
  say "fetching Apache Flume $FLUME_VERSION and Spark's SparkSink $SPARK_SINK_VERSION from Maven Central into $HOME_DIR"
  # One Maven run, two outputs: the agent's runtime classpath (libs/) and the Avro 1.8 IPC shim
  # for the SparkSink (compat/), which must not take part in dependency mediation with Avro 1.11.
  # SparkSink's own dependencies are excluded: Flume provides them, and the Scala library is the
  # 2.12 one Spark 2.4.8 was built with.
  write_pom "$HOME_DIR/pom.xml" flume-agent-jars "$FLUME_VERSION" <<EOF
  <dependencies>
    <dependency><groupId>org.apache.flume</groupId><artifactId>flume-ng-node</artifactId><version>$FLUME_VERSION</version></dependency>
    <dependency><groupId>org.apache.flume.flume-ng-channels</groupId><artifactId>flume-file-channel</artifactId><version>$FLUME_VERSION</version></dependency>
    <dependency>
      <groupId>org.apache.spark</groupId><artifactId>spark-streaming-flume-sink_2.12</artifactId><version>$SPARK_SINK_VERSION</version>
      <exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>
    </dependency>
    <dependency><groupId>org.scala-lang</groupId><artifactId>scala-library</artifactId><version>2.12.10</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>1.7.36</version></dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>3.8.1</version>
        <executions>
          <execution>
            <id>agent</id><phase>validate</phase><goals><goal>copy-dependencies</goal></goals>
            <configuration><includeScope>runtime</includeScope><outputDirectory>$LIBS.partial</outputDirectory></configuration>
          </execution>
          <execution>
            <id>compat</id><phase>validate</phase><goals><goal>copy</goal></goals>
            <configuration>
              <outputDirectory>$COMPAT.partial</outputDirectory>
              <artifactItems>
                <artifactItem><groupId>org.apache.avro</groupId><artifactId>avro-ipc</artifactId><version>1.8.2</version></artifactItem>
                <artifactItem><groupId>io.netty</groupId><artifactId>netty</artifactId><version>3.10.6.Final</version></artifactItem>
              </artifactItems>
            </configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
EOF
  rm -rf "$LIBS.partial" "$COMPAT.partial"
  maven_run "$HOME_DIR" "Flume $FLUME_VERSION" validate
  publish_dir "$LIBS"
  publish_dir "$COMPAT"
  say "Flume $FLUME_VERSION installed: $(ls "$LIBS"/*.jar | wc -l) jars (+ $(ls "$COMPAT"/*.jar | wc -l) for the SparkSink)"
}

default_config() {
  cat <<EOF
dstream.sources = lines
dstream.channels = push pull
dstream.sinks = avro spark
dstream.sources.lines.type = netcat
dstream.sources.lines.bind = 127.0.0.1
dstream.sources.lines.port = 44444
dstream.sources.lines.channels = push pull
dstream.channels.push.type = file
dstream.channels.push.checkpointDir = $RUN/push/checkpoint
dstream.channels.push.dataDirs = $RUN/push/data
dstream.channels.pull.type = file
dstream.channels.pull.checkpointDir = $RUN/pull/checkpoint
dstream.channels.pull.dataDirs = $RUN/pull/data
dstream.sinks.avro.type = avro
dstream.sinks.avro.channel = push
dstream.sinks.avro.hostname = 127.0.0.1
dstream.sinks.avro.port = 41414
dstream.sinks.spark.type = org.apache.spark.streaming.flume.sink.SparkSink
dstream.sinks.spark.channel = pull
dstream.sinks.spark.hostname = 127.0.0.1
dstream.sinks.spark.port = 41415
EOF
}

# The recorded pid is ours only while it is still this agent: a stale file may name a reused pid.
pid_alive() {
  pid_runs "$PID_FILE" "org.apache.flume.node.Application -f $CONF_FILE -n $AGENT"
}

# kill -0, not pid_alive: until the inner shell has exec'd, the pid's command line is bash's.
pid_started() {
  kill -0 "$(cat "$PID_FILE" 2>/dev/null || echo 0)" 2>/dev/null
}

# Ready once Flume's metrics list every channel of the configuration as started, and every
# SparkSink port of the configuration accepts connections (the Avro sink has nothing to wait for:
# it connects lazily and retries).
ready() {
  local port metrics name
  port="$(cat "$PORT_FILE" 2>/dev/null)" || return 1
  metrics="$(curl -fsS --max-time 2 "http://127.0.0.1:$port/metrics" 2>/dev/null)" || return 1
  for name in $(sed -n "s/^$AGENT\.channels *= *//p" "$CONF_FILE"); do
    grep -q "\"CHANNEL.$name\"" <<<"$metrics" || return 1
  done
  for name in $(sed -n "s/^$AGENT\.sinks\.\([^.]*\)\.type *= *org.apache.spark.streaming.flume.sink.SparkSink.*/\1/p" "$CONF_FILE"); do
    local host p
    host="$(sed -n "s/^$AGENT\.sinks\.$name\.hostname *= *//p" "$CONF_FILE")"
    p="$(sed -n "s/^$AGENT\.sinks\.$name\.port *= *//p" "$CONF_FILE")"
    port_open "${host:-127.0.0.1}" "$p" || return 1
  done
}

start() {
  install
  if pid_alive; then
    if ready; then say "agent $AGENT already running (pid $(cat "$PID_FILE"))"; return 0; fi
  else
    need java "install Java 17 or later"
    mkdir -p "$RUN"
    if [[ -n "$CONFIG_ARG" ]]; then
      [[ -f "$CONFIG_ARG" ]] || { say "no configuration file $CONFIG_ARG"; exit 2; }
      cp "$CONFIG_ARG" "$CONF_FILE"
    elif [[ "$AGENT" == "dstream" ]]; then
      default_config >"$CONF_FILE"
    else
      say "agent $AGENT needs a configuration file: scripts/flume.sh start $AGENT <file>"
      exit 2
    fi
    local port="${FLUME_MONITOR_PORT:-41416}"
    echo "$port" >"$PORT_FILE"
    : >"$LOG_FILE"
    say "starting Flume agent $AGENT (log: $LOG_FILE)"
    local heap="${FLUME_HEAP_OPTS:--Xms64m -Xmx256m}"
    spawn_detached "$PID_FILE" "$LOG_FILE" \
      java $heap -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Dorg.slf4j.simpleLogger.defaultLogLevel=info -Dorg.slf4j.simpleLogger.showDateTime=true \
      -Dorg.slf4j.simpleLogger.logFile=System.out \
      -Dflume.monitoring.type=http -Dflume.monitoring.port="$port" \
      -cp "$LIBS/*:$COMPAT/*" org.apache.flume.node.Application -f "$CONF_FILE" -n "$AGENT"
  fi
  wait_ready "agent $AGENT" 0.2 pid_started -- ready
  say "agent $AGENT ready (pid $(cat "$PID_FILE"), metrics at http://127.0.0.1:$(cat "$PORT_FILE")/metrics)"
}

stop() {
  if ! pid_alive; then
    rm -f "$PID_FILE"
    say "no agent $AGENT started by this script is running"
    return 0
  fi
  # Flume's shutdown hook stops the sources first and closes the file channel's log cleanly.
  stop_pid "$PID_FILE" "agent $AGENT"
  say "agent $AGENT stopped"
}

status() {
  if [[ ! -f "$LIBS/.complete" ]]; then
    say "Flume $FLUME_VERSION is not installed; run: bash scripts/flume.sh start"
    return 1
  fi
  if pid_alive && ready; then
    say "agent $AGENT ready (pid $(cat "$PID_FILE"), log $LOG_FILE)"
    return 0
  fi
  if pid_alive; then say "agent $AGENT (pid $(cat "$PID_FILE")) is running but not ready (log $LOG_FILE)"; else say "agent $AGENT is not running; run: bash scripts/flume.sh start"; fi
  return 1
}

run_command "{install|start [AGENT [CONFIG]]|stop [AGENT]|status [AGENT]}" "${1:-}" install start stop restart status
