#!/usr/bin/env bash
# A NameNode and a DataNode (Hadoop's MiniDFSCluster, from hadoop-client-minicluster's jars on
# Maven Central) in one JVM on loopback, for dstream's HDFS tests and examples.
#
#   scripts/hdfs.sh install   fetch the jars and compile the small Java main (once per version)
#   scripts/hdfs.sh start     install if needed, start a freshly formatted cluster, wait until ready
#   scripts/hdfs.sh stop      stop the cluster this script started
#   scripts/hdfs.sh status    say whether WebHDFS answers; exit 1 if not
#
# Environment (all optional):
#   HDFS_NAMENODE_PORT   NameNode RPC port, the port of hdfs:// URLs         (8020)
#   HDFS_HTTP_PORT       NameNode HTTP (WebHDFS) port on 127.0.0.1           (9870)
#   HDFS_CONTROL_PORT    test control channel (restart the DataNode)          (9879)
#   HADOOP_VERSION       hadoop-client-minicluster release                    (3.5.0)
#   DSTREAM_CACHE        where jars and cluster state live                    (~/.cache/dstream)
#   HDFS_INFO_FILE       JSON with the cluster's addresses, read by the tests ($DSTREAM_CACHE/hdfs-cluster.json)
#   HDFS_HEAP_OPTS       JVM heap flags                                       (-Xms128m -Xmx768m)
#   HDFS_START_TIMEOUT   seconds to wait for readiness                        (90)
#
# The cluster is formatted at every start: tests use paths of their own and need no state from a
# previous run. `start` on a running cluster only checks that it answers.
set -euo pipefail

HADOOP_VERSION="${HADOOP_VERSION:-3.5.0}"
RPC_PORT="${HDFS_NAMENODE_PORT:-8020}"
HTTP_PORT="${HDFS_HTTP_PORT:-9870}"
CONTROL_PORT="${HDFS_CONTROL_PORT:-9879}"
CACHE="${DSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dstream}"
HOME_DIR="$CACHE/hdfs-$HADOOP_VERSION"
LIBS="$HOME_DIR/libs"
TOOLS="$HOME_DIR/tools"
RUN="$HOME_DIR/run-$HTTP_PORT"
PID_FILE="$RUN/cluster.pid"
LOG_FILE="$RUN/cluster.log"
INFO_FILE="${HDFS_INFO_FILE:-$CACHE/hdfs-cluster.json}"
START_TIMEOUT="${HDFS_START_TIMEOUT:-90}"
SRC="$(cd "$(dirname "$0")" && pwd)/hdfs/MiniHdfs.java"

say() { echo "hdfs.sh: $*" >&2; }

need() {
  command -v "$1" >/dev/null 2>&1 || { say "$1 is required ($2)"; exit 1; }
}

install() {
  if [[ -f "$LIBS/.complete" && -f "$TOOLS/MiniHdfs.class" && "$TOOLS/MiniHdfs.class" -nt "$SRC" ]]; then return 0; fi
  need java "install Java 17 or later"
  need javac "install a JDK, e.g. apt-get install openjdk-17-jdk-headless"
  need mvn "install Maven, e.g. apt-get install maven"
  mkdir -p "$HOME_DIR"
  if [[ ! -f "$LIBS/.complete" ]]; then
    say "fetching hadoop-client-minicluster $HADOOP_VERSION from Maven Central into $LIBS"
    cat >"$HOME_DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dstream</groupId>
  <artifactId>hdfs-minicluster-jars</artifactId>
  <version>$HADOOP_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.hadoop</groupId>
      <artifactId>hadoop-client-minicluster</artifactId>
      <version>$HADOOP_VERSION</version>
    </dependency>
  </dependencies>
</project>
POM
    rm -rf "$LIBS.partial"
    local mvn_log="$HOME_DIR/mvn.log"
    if ! mvn -B -q -f "$HOME_DIR/pom.xml" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$LIBS.partial" >"$mvn_log" 2>&1; then
      say "Maven could not fetch hadoop-client-minicluster $HADOOP_VERSION. Its output ($mvn_log):"
      grep -E "ERROR|Could not|Unknown host|Connection|refused|timed out" "$mvn_log" | head -20 >&2 || tail -20 "$mvn_log" >&2
      exit 1
    fi
    touch "$LIBS.partial/.complete"
    rm -rf "$LIBS"
    mv "$LIBS.partial" "$LIBS"
  fi
  mkdir -p "$TOOLS"
  javac -d "$TOOLS" -cp "$LIBS/*" "$SRC"
  say "hadoop-client-minicluster $HADOOP_VERSION installed: $(ls "$LIBS"/*.jar | wc -l) jars"
}

pid_alive() {
  local pid
  [[ -f "$PID_FILE" ]] || return 1
  pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "MiniHdfs $RUN/data"
}

# WebHDFS answers GETFILESTATUS on / once the NameNode is up; the info file appears only after
# the DataNode has registered too.
ready() {
  [[ -f "$INFO_FILE" ]] && grep -q "\"webhdfs\":\"127.0.0.1:$HTTP_PORT\"" "$INFO_FILE" &&
    curl -fsS --max-time 3 "http://127.0.0.1:$HTTP_PORT/webhdfs/v1/?op=GETFILESTATUS" >/dev/null 2>&1
}

start() {
  install
  need curl "install curl"
  if pid_alive && ready; then say "cluster already running, WebHDFS at 127.0.0.1:$HTTP_PORT (pid $(cat "$PID_FILE"))"; return 0; fi
  if ! pid_alive; then
    local port
    for port in "$RPC_PORT" "$HTTP_PORT" "$CONTROL_PORT"; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        say "port $port on 127.0.0.1 is in use by something this script did not start; set HDFS_NAMENODE_PORT, HDFS_HTTP_PORT or HDFS_CONTROL_PORT"
        exit 1
      fi
    done
    rm -rf "$RUN/data"
    mkdir -p "$RUN/data" "$(dirname "$INFO_FILE")"
    rm -f "$INFO_FILE" "$PID_FILE"
    : >"$LOG_FILE"
    say "starting MiniDFSCluster $HADOOP_VERSION: hdfs://127.0.0.1:$RPC_PORT, WebHDFS 127.0.0.1:$HTTP_PORT (log: $LOG_FILE)"
    local heap="${HDFS_HEAP_OPTS:--Xms128m -Xmx768m}"
    # setsid detaches the JVM from the caller's session so it outlives this shell; the inner shell
    # records its pid and becomes the JVM. Hadoop 3.5 runs on Java 17 without --add-opens.
    setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
      java $heap -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Djava.net.preferIPv4Stack=true \
      -cp "$TOOLS:$LIBS/*" MiniHdfs "$RUN/data" "$RPC_PORT" "$HTTP_PORT" "$CONTROL_PORT" "$INFO_FILE" \
      >>"$LOG_FILE" 2>&1 </dev/null &
    for _ in $(seq 1 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.05; done
  fi
  local deadline=$((SECONDS + START_TIMEOUT))
  until ready; do
    if ! pid_alive; then
      say "the cluster exited during startup. Last lines of $LOG_FILE:"
      tail -30 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "the cluster did not become ready within ${START_TIMEOUT}s. Last lines of $LOG_FILE:"
      tail -30 "$LOG_FILE" >&2
      exit 1
    fi
    sleep 0.5
  done
  say "cluster ready: hdfs://127.0.0.1:$RPC_PORT, WebHDFS 127.0.0.1:$HTTP_PORT, control 127.0.0.1:$CONTROL_PORT (pid $(cat "$PID_FILE"), addresses in $INFO_FILE)"
}

stop() {
  if ! pid_alive; then
    rm -f "$PID_FILE"
    say "no cluster started by this script is running for WebHDFS port $HTTP_PORT"
    return 0
  fi
  local pid
  pid="$(cat "$PID_FILE")"
  kill "$pid"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "cluster pid $pid did not stop within 30s; killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE" "$INFO_FILE"
  say "cluster stopped"
}

status() {
  if ready; then
    say "ready: WebHDFS at 127.0.0.1:$HTTP_PORT (addresses in $INFO_FILE)"
    return 0
  fi
  say "no cluster answers at 127.0.0.1:$HTTP_PORT; run: bash scripts/hdfs.sh start"
  return 1
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  *) echo "usage: $0 {install|start|stop|restart|status}" >&2; exit 2 ;;
esac
