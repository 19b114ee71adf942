#!/usr/bin/env bash
# Apache Spark Streaming's side of `npm run bench:vs-spark`: fetches Spark's jars (Scala 2.13
# build, with spark-streaming-kafka-0-10) from Maven Central and compiles the Java programs beside
# this script. About 300 MB, once per version; not part of CI.
#
#   bench/vs-spark/spark.sh install     fetch the jars and compile the programs (skipped when done)
#   bench/vs-spark/spark.sh classpath   print the classpath the programs run with
#
# Environment: SPARK_VERSION (3.5.1), DSTREAM_CACHE (~/.cache/dstream).
set -euo pipefail

say() { echo "spark.sh: $*" >&2; }
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../../scripts/lib/service.sh
source "$HERE/../../scripts/lib/service.sh"

SPARK_VERSION="${SPARK_VERSION:-3.5.1}"
HOME_DIR="$CACHE/spark-$SPARK_VERSION"
LIBS="$HOME_DIR/libs"
CLASSES="$HOME_DIR/classes"
SOURCES=("$HERE"/*.java)

install() {
  local newest=""
  for src in "${SOURCES[@]}"; do [[ -z "$newest" || "$src" -nt "$newest" ]] && newest="$src"; done
  if [[ -f "$LIBS/.complete" && -f "$CLASSES/.stamp" && "$CLASSES/.stamp" -nt "$newest" ]]; then return 0; fi
  fetch_jars_once "$HOME_DIR" "$LIBS" "Spark $SPARK_VERSION (spark-streaming and spark-streaming-kafka-0-10, Scala 2.13)" spark-streaming-jars "$SPARK_VERSION" <<POM
  <dependencies>
    <dependency>
      <groupId>org.apache.spark</groupId>
      <artifactId>spark-streaming_2.13</artifactId>
      <version>$SPARK_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.spark</groupId>
      <artifactId>spark-streaming-kafka-0-10_2.13</artifactId>
      <version>$SPARK_VERSION</version>
    </dependency>
  </dependencies>
POM
  rm -rf "$CLASSES" && mkdir -p "$CLASSES"
  javac -nowarn -d "$CLASSES" -cp "$LIBS/*" "${SOURCES[@]}"
  touch "$CLASSES/.stamp"
  say "Spark $SPARK_VERSION installed: $(ls "$LIBS"/*.jar | wc -l) jars, programs in $CLASSES"
}

classpath() {
  echo "$CLASSES:$LIBS/*"
}

case "${1:-}" in
  install) install ;;
  classpath) install >&2; classpath ;;
  *) echo "usage: $0 install|classpath" >&2; exit 2 ;;
esac
