# Shared by the scripts that run test servers (kafka.sh, flume.sh, hdfs.sh); sourced, not run.
# Each caller defines say() for its own message prefix; wait_ready also reads the caller's
# PID_FILE, LOG_FILE and START_TIMEOUT.

# Where jars and server state live; DSTREAM_CACHE overrides it.
CACHE="${DSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dstream}"

# use_run_dir DIR NAME: the server's state directory, RUN, with its pid file and log, NAME.pid and
# NAME.log (sets RUN, PID_FILE and LOG_FILE).
use_run_dir() {
  RUN="$1"
  PID_FILE="$RUN/$2.pid"
  LOG_FILE="$RUN/$2.log"
}

need() {
  command -v "$1" >/dev/null 2>&1 || { say "$1 is required ($2)"; exit 1; }
}

# need_jdk_and_maven: what installing jars and compiling a small Java main takes.
need_jdk_and_maven() {
  need java "install Java 17 or later"
  need javac "install a JDK, e.g. apt-get install openjdk-17-jdk-headless"
  need mvn "install Maven, e.g. apt-get install maven"
}

# run_command USAGE COMMAND NAME...: runs the caller's function COMMAND when it is one of the NAMEs
# ("restart" is stop, then start); anything else prints "usage: $0 USAGE" and exits 2.
run_command() {
  local usage="$1" command="$2" name
  shift 2
  for name in "$@"; do
    if [[ "$command" == "$name" ]]; then
      if [[ "$command" == restart ]]; then stop; start; else "$command"; fi
      return 0
    fi
  done
  echo "usage: $0 $usage" >&2
  exit 2
}

# stop_pid PID_FILE WHAT: asks the process to stop (its shutdown hook closes its logs cleanly,
# which makes the next start fast), waits up to 30 s, then kills it.
stop_pid() {
  local pid_file="$1" what="$2" pid
  pid="$(cat "$pid_file")"
  kill "$pid"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$what pid $pid did not stop within 30s; killing it"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}

# spawn_detached PID_FILE LOG_FILE COMMAND...: starts COMMAND in a session of its own, so that
# it outlives the shell that started it; the inner shell records its own pid and then becomes
# COMMAND, so the recorded pid is the server's. Returns once the pid file is written.
spawn_detached() {
  local pid_file="$1" log_file="$2"
  shift 2
  rm -f "$pid_file"
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$pid_file" "$@" >>"$log_file" 2>&1 </dev/null &
  for _ in $(seq 1 50); do [[ -s "$pid_file" ]] && break; sleep 0.05; done
}

# pid_runs PID_FILE PATTERN: true while the pid in PID_FILE is alive and its command line contains
# PATTERN (a grep pattern); a stale file may name a reused pid, which is then not ours.
pid_runs() {
  local pid_file="$1" pattern="$2" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$pattern"
}

# port_open HOST PORT: true if something accepts connections at HOST:PORT.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# write_pom FILE ARTIFACT VERSION: writes a packaging-pom Maven project named dstream:ARTIFACT:VERSION
# whose body (<dependencies>, <build>, ...) is read from standard input.
write_pom() {
  local file="$1" artifact="$2" version="$3"
  {
    cat <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dstream</groupId>
  <artifactId>$artifact</artifactId>
  <version>$version</version>
  <packaging>pom</packaging>
POM
    cat
    echo "</project>"
  } >"$file"
}

# maven_run DIR WHAT MAVEN_ARGS...: runs Maven on DIR/pom.xml with its output in DIR/mvn.log; if
# Maven fails, says that it could not fetch WHAT, shows the telling lines of the log and exits 1.
maven_run() {
  local dir="$1" what="$2"
  shift 2
  local mvn_log="$dir/mvn.log"
  if ! mvn -B -q -f "$dir/pom.xml" "$@" >"$mvn_log" 2>&1; then
    say "Maven could not fetch $what. Its output ($mvn_log):"
    grep -E "ERROR|Could not|Unknown host|Connection|refused|timed out" "$mvn_log" | head -20 >&2 || tail -20 "$mvn_log" >&2
    exit 1
  fi
}

# publish_dir DIR: marks DIR.partial complete and moves it to DIR, replacing what was there.
publish_dir() {
  touch "$1.partial/.complete"
  rm -rf "$1"
  mv "$1.partial" "$1"
}

# fetch_runtime_jars DIR LIBS WHAT: copies the runtime dependencies of DIR/pom.xml into LIBS
# (through LIBS.partial, so an interrupted fetch leaves no LIBS/.complete).
fetch_runtime_jars() {
  local dir="$1" libs="$2" what="$3"
  rm -rf "$libs.partial"
  maven_run "$dir" "$what" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs.partial"
  publish_dir "$libs"
}

# fetch_jars_once HOME_DIR LIBS WHAT ARTIFACT VERSION: unless LIBS is already complete, writes
# HOME_DIR/pom.xml as dstream:ARTIFACT:VERSION with the body read from standard input, and copies
# its runtime jars into LIBS.
fetch_jars_once() {
  local home="$1" libs="$2" what="$3" artifact="$4" version="$5"
  if [[ -f "$libs/.complete" ]]; then
    cat >/dev/null
    return 0
  fi
  need_jdk_and_maven
  mkdir -p "$home"
  say "fetching $what from Maven Central into $libs"
  write_pom "$home/pom.xml" "$artifact" "$version"
  fetch_runtime_jars "$home" "$libs" "$what"
}

# wait_ready WHAT INTERVAL ALIVE_CMD -- READY_CMD...: polls READY_CMD every INTERVAL seconds until it
# succeeds. If ALIVE_CMD fails first, WHAT exited: shows the end of $LOG_FILE, removes $PID_FILE and
# exits 1; after $START_TIMEOUT seconds, shows the end of $LOG_FILE and exits 1.
wait_ready() {
  local what="$1" interval="$2" alive="$3"
  shift 3
  [[ "${1:-}" == "--" ]] && shift
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$@"; do
    if ! "$alive"; then
      say "$what exited during startup. Last lines of $LOG_FILE:"
      tail -30 "$LOG_FILE" >&2
      rm -f "$PID_FILE"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      say "$what did not become ready within ${START_TIMEOUT}s. Last lines of $LOG_FILE:"
      tail -30 "$LOG_FILE" >&2
      exit 1
    fi
    sleep "$interval"
  done
}
