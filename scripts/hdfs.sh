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

say() { echo "hdfs.sh: $*" >&2; }
# shellcheck source=lib/service.sh
source "$(dirname "$0")/lib/service.sh"

HADOOP_VERSION="${HADOOP_VERSION:-3.5.0}"
RPC_PORT="${HDFS_NAMENODE_PORT:-8020}"
HTTP_PORT="${HDFS_HTTP_PORT:-9870}"
CONTROL_PORT="${HDFS_CONTROL_PORT:-9879}"
HOME_DIR="$CACHE/hdfs-$HADOOP_VERSION"
LIBS="$HOME_DIR/libs"
TOOLS="$HOME_DIR/tools"
use_run_dir "$HOME_DIR/run-$HTTP_PORT" cluster
INFO_FILE="${HDFS_INFO_FILE:-$CACHE/hdfs-cluster.json}"
START_TIMEOUT="${HDFS_START_TIMEOUT:-90}"
SRC="$(cd "$(dirname "$0")" && pwd)/hdfs/MiniHdfs.java"

install() {
  if [[ -f "$LIBS/.complete" && -f "$TOOLS/MiniHdfs.class" && "$TOOLS/MiniHdfs.class" -nt "$SRC" ]]; then return 0; fi
  need_jdk_and_maven
  mkdir -p "$HOME_DIR"
  if [[ ! -f "$LIBS/.complete" ]]; then
    say "fetching hadoop-client-minicluster $HADOOP_VERSION from Maven Central into $LIBS"
    write_pom "$HOME_DIR/pom.xml" hdfs-minicluster-jars "$HADOOP_VERSION" <<POM
  <dependencies>
    <dependency>
      <groupId>org.apache.hadoop</groupId>
      <artifactId>hadoop-client-minicluster</artifactId>
      <version>$HADOOP_VERSION</version>
    </dependency>
  </dependencies>
POM
    fetch_runtime_jars "$HOME_DIR" "$LIBS" "hadoop-client-minicluster $HADOOP_VERSION"
  fi
  mkdir -p "$TOOLS"
  javac -d "$TOOLS" -cp "$LIBS/*" "$SRC"
  say "hadoop-client-minicluster $HADOOP_VERSION installed: $(ls "$LIBS"/*.jar | wc -l) jars"
}

pid_alive() {
  pid_runs "$PID_FILE" "MiniHdfs $RUN/data"
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
      if port_open 127.0.0.1 "$port"; then
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
    # Hadoop 3.5 runs on Java 17 without --add-opens.
    spawn_detached "$PID_FILE" "$LOG_FILE" \
      java $heap -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
      -Djava.net.preferIPv4Stack=true \
      -cp "$TOOLS:$LIBS/*" MiniHdfs "$RUN/data" "$RPC_PORT" "$HTTP_PORT" "$CONTROL_PORT" "$INFO_FILE"
  fi
  wait_ready "the cluster" 0.5 pid_alive -- ready
  say "cluster ready: hdfs://127.0.0.1:$RPC_PORT, WebHDFS 127.0.0.1:$HTTP_PORT, control 127.0.0.1:$CONTROL_PORT (pid $(cat "$PID_FILE"), addresses in $INFO_FILE)"
}

stop() {
  if ! pid_alive; then
    rm -f "$PID_FILE"
    say "no cluster started by this script is running for WebHDFS port $HTTP_PORT"
    return 0
  fi
  stop_pid "$PID_FILE" cluster
  rm -f "$INFO_FILE"
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

run_command "{install|start|stop|restart|status}" "${1:-}" install start stop restart status
