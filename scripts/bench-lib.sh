# Shared by scripts/bench-http and scripts/bench-web: wrk, server lifecycle, CPU time, wrk's output.
# Sourced, never run. Needs `log` defined by the caller.

# MARK: Tools
if ! command -v wrk >/dev/null; then
    log "installing wrk"
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq wrk
fi
for tool in wrk curl python3 swift; do
    command -v "$tool" >/dev/null || { log "$tool is not on PATH"; exit 1; }
done
CLK_TCK="$(getconf CLK_TCK)"

# MARK: Server lifecycle
SERVER_PID=""
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    local pid="$SERVER_PID"
    SERVER_PID=""
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do  # up to 10 s for a graceful exit
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "server $pid ignored SIGTERM for 10 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    local status=0
    wait "$pid" 2>/dev/null || status=$?
    [ "$status" -eq 0 ] || log "server $pid exited with status $status"
}
trap stop_server EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# CPU time of a process (all its threads) in clock ticks: utime + stime.
cpu_ticks() {
    # Fields after "pid (comm) ": state is 1st, utime the 12th, stime the 13th.
    local stat
    stat="$(cat "/proc/$1/stat")"
    stat="${stat##*) }"
    read -r -a fields <<<"$stat"
    echo $((fields[11] + fields[12]))
}

# parse_wrk FILE: prints "rps p50_us p99_us requests errors".
parse_wrk() {
    python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def micros(value):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        sys.exit(f"bench-http: cannot read latency {value!r}")
    return float(m.group(1)) * {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6}[m.group(2)]
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
requests = re.search(r"^\s+(\d+) requests in", text, re.M)
if not (rps and p50 and p99 and requests):
    sys.exit("bench-http: cannot read wrk's output:\n" + text)
errors = 0
socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
if socket:
    errors += sum(int(g) for g in socket.groups())
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if non2xx:
    errors += int(non2xx.group(1))
print(rps.group(1), micros(p50.group(1)), micros(p99.group(1)), requests.group(1), errors)
PY
}

