#!/usr/bin/env bash
# The message brokers and databases dstream's MQTT, NATS, Redis, RabbitMQ and PostgreSQL
# connectors are tested against: Debian's own packages, installed with apt-get when missing, each
# started on loopback on a fixed port with its data under the cache directory.
#
#   scripts/services.sh start   [NAME...]   install if missing, start, wait until it accepts clients
#   scripts/services.sh stop    [NAME...]   stop what this script started
#   scripts/services.sh restart [NAME...]   stop, then start
#   scripts/services.sh status  [NAME...]   say whether each runs; exit 1 if one does not
#
# Without NAME, every service, in this order:
#   mosquitto   MQTT 3.1.1/5 on 127.0.0.1:1883, anonymous, persistent sessions kept on disk
#   nats        nats-server with JetStream on 127.0.0.1:4222
#   redis       redis-server on 127.0.0.1:6379, append-only file on
#   rabbitmq    rabbitmq-server, AMQP 0-9-1 on 127.0.0.1:5672, user guest/guest (loopback only)
#   postgresql  a cluster of our own (initdb), 127.0.0.1:5432, user dstream, password dstream,
#               database dstream; run as the `postgres` user when this script runs as root,
#               since PostgreSQL refuses to run as root
#
# Environment (all optional):
#   DSTREAM_CACHE            where server state lives (~/.cache/dstream); PostgreSQL's data goes
#                            to $TMPDIR/dstream-postgresql-<uid> when run as root, because the
#                            postgres user cannot enter root's home
#   SERVICES_START_TIMEOUT   seconds to wait for one server to accept clients (120)
#
# Every command is idempotent: `start` on a running server only checks that it accepts clients.
# Each start prints how long it took, which CI's log then shows.
set -euo pipefail

say() { echo "services.sh: $*" >&2; }
# shellcheck source=lib/service.sh
source "$(dirname "$0")/lib/service.sh"

ALL=(mosquitto nats redis rabbitmq postgresql)
START_TIMEOUT="${SERVICES_START_TIMEOUT:-120}"
BASE="$CACHE/services"

# Per service: the Debian package, the binary it must provide, the port, and a pattern of its
# command line (pid_runs checks it, so a stale pid file naming a reused pid is not mistaken for ours).
package_of() {
  case "$1" in
    mosquitto) echo mosquitto ;; nats) echo nats-server ;; redis) echo redis-server ;;
    rabbitmq) echo rabbitmq-server ;; postgresql) echo postgresql ;;
  esac
}
binary_of() {
  case "$1" in
    mosquitto) echo /usr/sbin/mosquitto ;; nats) command -v nats-server || echo /usr/sbin/nats-server ;; redis) echo /usr/bin/redis-server ;;
    rabbitmq) echo /usr/lib/rabbitmq/bin/rabbitmq-server ;; postgresql) pg_bin initdb ;;
  esac
}
port_of() {
  case "$1" in
    mosquitto) echo 1883 ;; nats) echo 4222 ;; redis) echo 6379 ;; rabbitmq) echo 5672 ;; postgresql) echo 5432 ;;
  esac
}
pattern_of() {
  case "$1" in
    mosquitto) echo mosquitto ;; nats) echo nats-server ;; redis) echo redis-server ;; rabbitmq) echo rabbitmq ;;
    postgresql) echo postgres ;;
  esac
}

# pg_bin NAME: PostgreSQL's server programs are not on PATH in Debian; the newest installed
# major version's directory holds them.
pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  echo "${dir:-/usr/lib/postgresql/missing/bin}/$1"
}

# install_missing NAME...: one apt-get run for every package not yet installed. A policy-rc.d
# that forbids starting services is put in place for the run when none exists, so that Debian's
# maintainer scripts do not start a second copy on our ports.
install_missing() {
  local name missing=()
  for name in "$@"; do [[ -x "$(binary_of "$name")" ]] || missing+=("$(package_of "$name")"); done
  ((${#missing[@]} > 0)) || return 0
  local as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { say "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    as_root=(sudo)
  fi
  local policy=/usr/sbin/policy-rc.d placed=false
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
    "${as_root[@]}" chmod +x "$policy"
    placed=true
  fi
  say "installing Debian packages: ${missing[*]}"
  local rc=0
  { "${as_root[@]}" apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || rc=$?
  if $placed; then "${as_root[@]}" rm -f "$policy"; fi
  ((rc == 0)) || { say "apt-get could not install ${missing[*]} (exit $rc)"; exit 1; }
}

# setup NAME: sets RUN, PID_FILE, LOG_FILE and PORT for the service.
setup() {
  if [[ "$1" == postgresql && $(id -u) -eq 0 ]]; then
    use_run_dir "${TMPDIR:-/tmp}/dstream-postgresql-0" postgresql
  else
    use_run_dir "$BASE/$1" "$1"
  fi
  PORT="$(port_of "$1")"
}

# As root, PostgreSQL runs as `postgres`; setpriv execs (no forked parent), so the pid that
# spawn_detached records is the server's own (start_one prefixes the same setpriv).
as_pg_user() {
  if [[ $(id -u) -eq 0 ]]; then
    setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    "$@"
  fi
}

# command_of NAME: the server's foreground command line; prepares its configuration first.
command_of() {
  case "$1" in
    mosquitto)
      mkdir -p "$RUN/data"
      # `user root` keeps it from switching to the mosquitto user, who could not write $RUN.
      cat >"$RUN/mosquitto.conf" <<EOF
listener $PORT 127.0.0.1
allow_anonymous true
persistence true
persistence_location $RUN/data/
autosave_interval 1
max_inflight_messages 1000
max_queued_messages 100000
$([[ $(id -u) -eq 0 ]] && echo "user root")
EOF
      echo /usr/sbin/mosquitto -c "$RUN/mosquitto.conf"
      ;;
    nats)
      mkdir -p "$RUN/jetstream"
      echo "$(binary_of nats)" -a 127.0.0.1 -p "$PORT" -js -sd "$RUN/jetstream" -m 0
      ;;
    redis)
      echo /usr/bin/redis-server --bind 127.0.0.1 --port "$PORT" --dir "$RUN" --appendonly yes --save "" --daemonize no --protected-mode no
      ;;
    rabbitmq)
      mkdir -p "$RUN/mnesia" "$RUN/log"
      echo "[]." >"$RUN/enabled_plugins"
      # Debian's /usr/sbin wrapper switches to the rabbitmq user and logs to /var/log; the
      # program it wraps runs as the caller, with the environment rabbitmq_env sets.
      echo /usr/lib/rabbitmq/bin/rabbitmq-server
      ;;
    postgresql)
      local data="$RUN/data"
      if [[ ! -f "$data/PG_VERSION" ]]; then
        rm -rf "$data"
        mkdir -p "$data"
        [[ $(id -u) -eq 0 ]] && chown -R postgres:postgres "$RUN"
        echo dstream >"$RUN/pwfile"
        chmod 644 "$RUN/pwfile"
        as_pg_user "$(pg_bin initdb)" -D "$data" -U dstream --pwfile="$RUN/pwfile" -A scram-sha-256 --auth-local=trust -E UTF8 >"$RUN/initdb.log" 2>&1 ||
          { say "initdb failed; its output ($RUN/initdb.log):"; tail -20 "$RUN/initdb.log" >&2; exit 1; }
      fi
      echo "$(pg_bin postgres)" -D "$data" -c listen_addresses=127.0.0.1 -p "$PORT" -c unix_socket_directories="$RUN" -c fsync=on
      ;;
  esac
}

running() { pid_runs "$PID_FILE" "$(pattern_of "$NAME")"; }

# ready: the server accepts clients (for RabbitMQ, the AMQP listener opens last in its boot; for
# PostgreSQL, the socket opens before recovery ends, so pg_isready asks).
ready() {
  port_open 127.0.0.1 "$PORT" || return 1
  if [[ "$NAME" == postgresql ]]; then "$(pg_bin pg_isready)" -q -h 127.0.0.1 -p "$PORT"; fi
}

rabbitmq_env() {
  export RABBITMQ_NODENAME=dstream@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$PORT"
  export RABBITMQ_DIST_PORT=25672 ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_MNESIA_BASE="$RUN/mnesia" RABBITMQ_LOG_BASE="$RUN/log" RABBITMQ_ENABLED_PLUGINS_FILE="$RUN/enabled_plugins"
  export RABBITMQ_PID_FILE="$RUN/rabbitmq.erlpid" RABBITMQ_CONFIG_FILE="$RUN/rabbitmq"
  # A small heap watermark would block publishers on this shared machine; disk_free_limit low
  # so a nearly full /tmp does not block them either.
  printf 'listeners.tcp.default = 127.0.0.1:%s\nloopback_users.guest = true\ndisk_free_limit.absolute = 50MB\n' "$PORT" >"$RUN/rabbitmq.conf"
}

start_one() {
  if running; then
    wait_ready "$NAME" 0.2 running -- ready
    say "$NAME already runs on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"
    return 0
  fi
  if port_open 127.0.0.1 "$PORT"; then
    say "127.0.0.1:$PORT is taken by a process this script did not start; stop it (e.g. \`service $(package_of "$NAME") stop\`) and run: bash scripts/services.sh start $NAME"
    exit 1
  fi
  local t0=$SECONDS cmd
  mkdir -p "$RUN"
  read -r -a cmd <<<"$(command_of "$NAME")"
  : >"$LOG_FILE"
  case "$NAME" in
    rabbitmq) rabbitmq_env; spawn_detached "$PID_FILE" "$LOG_FILE" "${cmd[@]}" ;;
    postgresql)
      if [[ $(id -u) -eq 0 ]]; then cmd=(setpriv --reuid=postgres --regid=postgres --init-groups -- "${cmd[@]}"); fi
      spawn_detached "$PID_FILE" "$LOG_FILE" "${cmd[@]}" ;;
    *) spawn_detached "$PID_FILE" "$LOG_FILE" "${cmd[@]}" ;;
  esac
  wait_ready "$NAME" 0.2 running -- ready
  if [[ "$NAME" == postgresql ]]; then pg_create_database; fi
  say "$NAME started on 127.0.0.1:$PORT in $((SECONDS - t0))s (pid $(cat "$PID_FILE"), log $LOG_FILE)"
}

# The database `dstream`, once per cluster.
pg_create_database() {
  [[ -f "$RUN/data/.dstream-db" ]] && return 0
  local psql
  psql="$(pg_bin psql)"
  [[ -x "$psql" ]] || psql=psql
  if ! as_pg_user "$psql" -h "$RUN" -p "$PORT" -U dstream -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'dstream'" | grep -q 1; then
    as_pg_user "$psql" -h "$RUN" -p "$PORT" -U dstream -d postgres -qc "CREATE DATABASE dstream" >/dev/null
  fi
  as_pg_user touch "$RUN/data/.dstream-db"
}

stop_one() {
  if ! running; then
    rm -f "$PID_FILE"
    say "$NAME is not running"
    return 0
  fi
  stop_pid "$PID_FILE" "$NAME"
  # RabbitMQ's epmd outlives the node; it is harmless (one per machine) and left running.
  say "$NAME stopped"
}

status_one() {
  if running && ready; then
    say "$NAME runs on 127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"
  else
    say "$NAME is not running (start it with: bash scripts/services.sh start $NAME)"
    return 1
  fi
}

command="${1:-}"
shift || true
names=("$@")
((${#names[@]} > 0)) || names=("${ALL[@]}")
for NAME in "${names[@]}"; do
  [[ " ${ALL[*]} " == *" $NAME "* ]] || { echo "services.sh: unknown service '$NAME' (one of: ${ALL[*]})" >&2; exit 2; }
done

case "$command" in
  start)
    install_missing "${names[@]}"
    for NAME in "${names[@]}"; do setup "$NAME"; start_one; done
    ;;
  stop) for NAME in "${names[@]}"; do setup "$NAME"; stop_one; done ;;
  restart) for NAME in "${names[@]}"; do setup "$NAME"; stop_one; start_one; done ;;
  status)
    rc=0
    for NAME in "${names[@]}"; do setup "$NAME"; status_one || rc=1; done
    exit $rc
    ;;
  *) echo "usage: $0 start|stop|restart|status [${ALL[*]}]" >&2; exit 2 ;;
esac
