# Shared by the scripts that run test servers (kafka.sh, flume.sh); sourced, not run.
# Each caller defines say() for its own message prefix.

need() {
  command -v "$1" >/dev/null 2>&1 || { say "$1 is required ($2)"; exit 1; }
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
