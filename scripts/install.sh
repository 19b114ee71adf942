#!/usr/bin/env bash
# Installs what dstream and its tests need on a fresh Debian machine, and starts the services the
# tests use. Safe to run again: each step is skipped when it is already done, so `npm test` runs it
# first (scripts/test.sh, with --skip-npm: npm ci has run by then).
#
#   bash scripts/install.sh [--skip-npm]
#
#   Debian packages   Maven and a JDK, for the Kafka broker (scripts/kafka.sh)
#   npm ci            only when package.json or package-lock.json changed since the last install
#   chromium          for the web UI's browser test (scripts/install-browser.sh)
#   Kafka             broker jars from Maven Central, then a KRaft broker on 127.0.0.1:9092
#                     (KAFKA_BOOTSTRAP overrides the address)
#   Flume             agent jars (and Spark's SparkSink) from Maven Central, then the default agent
#                     (scripts/flume.sh: netcat 127.0.0.1:44444 -> Avro sink 41414 and SparkSink 41415)
#   HDFS              hadoop-client-minicluster jars from Maven Central, then a NameNode and a
#                     DataNode: hdfs://127.0.0.1:8020, WebHDFS on 127.0.0.1:9870 (scripts/hdfs.sh)
#   services          Debian's mosquitto, nats-server, redis-server, rabbitmq-server and PostgreSQL,
#                     installed with apt-get when missing and started on 127.0.0.1 ports 1883, 4222,
#                     6379, 5672 and 5432 (scripts/services.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

skip_npm=false
for arg in "$@"; do
  case "$arg" in
    --skip-npm) skip_npm=true ;;
    *) echo "usage: $0 [--skip-npm]" >&2; exit 2 ;;
  esac
done

# The servers the tests use, each started by `bash scripts/<name>.sh start` (idempotent). A new
# one is a script of that shape plus its name here.
servers=(kafka flume hdfs services)

say() { echo "install.sh: $*" >&2; }

# Debian packages, by the command that needs them.
missing=()
command -v mvn >/dev/null 2>&1 || missing+=(maven)
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
if ((${#missing[@]} > 0)); then
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    as_root=(sudo)
  fi
  say "installing Debian packages: ${missing[*]}"
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci wipes node_modules and reinstalls, so it only runs when the dependencies changed.
stamp=node_modules/.dstream-install-stamp
want="$(cat package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if $skip_npm; then
  [[ -d node_modules ]] || { say "node_modules is missing: run npm ci first"; exit 1; }
elif [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  say "node_modules is up to date"
else
  npm ci --no-audit --no-fund
  echo "$want" >"$stamp"
fi

# Debian's chromium, for the web UI's real-browser test.
bash scripts/install-browser.sh

for server in "${servers[@]}"; do
  bash "scripts/$server.sh" start
done
