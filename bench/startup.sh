#!/usr/bin/env bash
# Issue 3 benchmark: N static routes (default 1,000,000) from the configuration to a BIRD 2
# receiver on loopback. For each speaker it reports the time from process start to
# Established, from Established to BIRD holding every route, the speaker's peak RSS
# (/usr/bin/time -v: the whole run, stopping included; and /proc's VmHWM once BIRD has every
# route: the peak of starting) and its RSS then (/proc: what it keeps).
#
# usage: bench/startup.sh [-n ROUTES] [SPEAKER...]
#   SPEAKER: exabgp-rs (target/release, built first), exabgp5 (ExaBGP 5.0.15 from PyPI,
#            in a venv under /tmp), exabgp4 (Debian's exabgp 4.2, /usr/sbin/exabgp).
#            Default: all three; a speaker that is not available is reported and skipped.
#   bench/startup.sh config N ADDRESS PEER PORT > exabgp.conf   writes the configuration only.
#
# Everything lives in a temporary directory; BIRD and the speaker are stopped by PID.
set -euo pipefail

ROUTES=1000000
TIMEOUT=${BENCH_TIMEOUT:-1800}  # seconds allowed to reach Established
STALL=${BENCH_STALL:-60}        # seconds without a new route in BIRD before giving up
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV=/tmp/exabgp5-venv
SPEAKER_AS=65000
BIRD_AS=65001

# The speaker's configuration, ExaBGP syntax: one neighbor, N distinct /24 routes from
# 16.0.0.0 upwards (i -> 16+i/65536 . i/256%256 . i%256 . 0/24), one next hop.
config() {
    local n=$1 address=$2 peer=$3 port=$4
    cat <<EOF
neighbor $peer {
    router-id $address;
    local-address $address;
    local-as $SPEAKER_AS;
    peer-as $BIRD_AS;
    connect $port;
    passive false;
    hold-time 180;
    family {
        ipv4 unicast;
    }
    static {
EOF
    awk -v n="$n" 'BEGIN {
        for (i = 0; i < n; i++)
            printf "        route %d.%d.%d.0/24 next-hop 192.0.2.1;\n",
                16 + int(i / 65536), int(i / 256) % 256, i % 256
    }'
    printf '    }\n}\n'
}

bird_config() {
    local address=$1 port=$2 peer=$3
    cat <<EOF
router id $address;
log stderr { warning, error, fatal };
protocol device {}
protocol bgp speaker {
    local $address port $port as $BIRD_AS;
    neighbor $peer as $SPEAKER_AS;
    multihop;
    strict bind yes;
    passive on;
    hold time 240;
    ipv4 { import all; export none; };
}
EOF
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The command line running a configuration file for a speaker, or nothing if unavailable.
speaker_command() {
    case $1 in
    exabgp-rs)
        local bin="$ROOT/target/release/exabgp-rs"
        (cd "$ROOT" && cargo build --release --quiet) >&2 || return 0
        if "$bin" help 2>&1 | awk '$1 == "server" { found = 1 } END { exit !found }'; then
            echo "$bin server"
        else
            echo "exabgp-rs has no server command yet" >&2
        fi
        ;;
    exabgp5)
        if [ ! -x "$VENV/bin/exabgp" ]; then
            (python3 -m venv "$VENV" && "$VENV/bin/pip" install -q exabgp==5.0.15) >&2 || return 0
        fi
        echo "$VENV/bin/exabgp"
        ;;
    exabgp4)
        if [ -x /usr/sbin/exabgp ]; then
            echo /usr/sbin/exabgp
        else
            echo "Debian's exabgp is not installed (apt-get install exabgp)" >&2
        fi
        ;;
    *) echo "unknown speaker $1" >&2 ;;
    esac
}

# Polls `birdc show protocols all speaker` until the awk program $2 succeeds on it (or the
# speaker exits, or TIMEOUT seconds pass).
wait_bird() {
    local dir=$1 test=$2 start=$3 speaker_pid=$4
    while :; do
        if birdc -s "$dir/bird.ctl" show protocols all speaker 2>/dev/null | awk "$test"; then
            return 0
        fi
        if ! kill -0 "$speaker_pid" 2>/dev/null; then
            echo "speaker exited" >&2
            return 1
        fi
        if [ "$(elapsed "$start" "$(now)" | cut -d. -f1)" -ge "$TIMEOUT" ]; then
            echo "timed out" >&2
            return 1
        fi
        sleep 0.1
    done
}

# Polls BIRD's imported route count until it reaches ROUTES; fails when the speaker exits or
# the count has not moved for STALL seconds.
wait_routes() {
    local dir=$1 speaker_pid=$2 count last=-1 moved
    moved=$(now)
    while :; do
        count=$(birdc -s "$dir/bird.ctl" show protocols all speaker 2>/dev/null |
            awk '$1 == "Routes:" { print $2; exit }')
        count=${count:-0}
        [ "$count" -ge "$ROUTES" ] && return 0
        if [ "$count" != "$last" ]; then
            last=$count
            moved=$(now)
        elif [ "$(elapsed "$moved" "$(now)" | cut -d. -f1)" -ge "$STALL" ]; then
            echo "stalled at $count routes" >&2
            return 1
        fi
        if ! kill -0 "$speaker_pid" 2>/dev/null; then
            echo "speaker exited at $count routes" >&2
            return 1
        fi
        sleep 0.1
    done
}

run_one() {
    local name=$1 command
    command=$(speaker_command "$name")
    if [ -z "$command" ]; then
        printf '%-10s skipped\n' "$name"
        return 0
    fi
    local dir bird_address=127.0.3.1 speaker_address=127.0.3.2 port
    dir=$(mktemp -d /tmp/bench-startup.XXXXXX)
    port=$(free_port)
    bird_config $bird_address "$port" $speaker_address >"$dir/bird.conf"
    config "$ROUTES" $speaker_address $bird_address "$port" >"$dir/exabgp.conf"

    bird -f -c "$dir/bird.conf" -s "$dir/bird.ctl" -P "$dir/bird.pid" 2>"$dir/bird.log" &
    local bird_pid=$!
    until birdc -s "$dir/bird.ctl" show status >/dev/null 2>&1; do sleep 0.05; done

    local start established= loaded loaded_rss= loaded_hwm=
    start=$(now)
    # ExaBGP's environment (read by exabgp-rs too): foreground, no CLI pipes, no privilege drop.
    env exabgp_daemon_daemonize=false exabgp_daemon_user=root exabgp_daemon_drop=false \
        exabgp_api_cli=false exabgp_log_destination=stdout exabgp_log_level=WARNING \
        /usr/bin/time -v -o "$dir/time.txt" $command "$dir/exabgp.conf" >"$dir/speaker.log" 2>&1 &
    local time_pid=$!
    local status=ok
    if wait_bird "$dir" '/BGP state:/ && /Established/ { up = 1 } END { exit !up }' "$start" $time_pid; then
        # BIRD answers birdc only between its own work, so a poll can return late while it
        # imports: take the moment of Established from BIRD's own "since" time stamp.
        local since
        since=$(birdc -s "$dir/bird.ctl" show protocols speaker | awk '$1 == "speaker" { print $5 }')
        established=$(date -d "today $since" +%s.%N 2>/dev/null || now)
        if wait_routes "$dir" $time_pid; then
            loaded=$(now)
            # the speaker's memory once the table is sent (what it keeps), beside its peak
            local pid
            pid=$(ps -o pid= --ppid $time_pid | tr -d ' ' || true)
            loaded_rss=$(awk '$1 == "VmRSS:" { printf "%.0f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || true)
            loaded_hwm=$(awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || true)
        else
            status="routes not all received"
        fi
    else
        status="no session"
    fi

    # /usr/bin/time reports once its child exits: stop the speaker (its only child) by PID.
    local speaker_pid
    speaker_pid=$(ps -o pid= --ppid $time_pid | tr -d ' ' || true)
    [ -n "$speaker_pid" ] && kill -TERM "$speaker_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 $time_pid 2>/dev/null || break; sleep 0.1; done
    [ -n "$speaker_pid" ] && kill -KILL "$speaker_pid" 2>/dev/null || true
    wait $time_pid 2>/dev/null || true
    kill -TERM $bird_pid 2>/dev/null || true
    wait $bird_pid 2>/dev/null || true

    local rss
    rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$dir/time.txt" 2>/dev/null || true)
    if [ "$status" = ok ]; then
        printf '%-10s routes %-8s start->established %8ss  established->all-in-bird %8ss  peak-rss %6s MiB (%s MiB until sent)  rss-once-sent %6s MiB\n' \
            "$name" "$ROUTES" "$(elapsed "$start" "$established")" "$(elapsed "$established" "$loaded")" "${rss:-?}" "${loaded_hwm:-?}" "${loaded_rss:-?}"
        rm -rf "$dir"
    else
        local up=never
        [ -n "${established:-}" ] && up="$(elapsed "$start" "$established")s"
        printf '%-10s routes %-8s FAILED: %s (start->established %s, peak-rss %s MiB; logs in %s)\n' \
            "$name" "$ROUTES" "$status" "$up" "${rss:-?}" "$dir"
    fi
}

if [ "${1:-}" = config ]; then
    shift
    config "$@"
    exit 0
fi
if [ "${1:-}" = -n ]; then
    ROUTES=$2
    shift 2
fi
for binary in bird birdc python3 /usr/bin/time; do
    command -v "$binary" >/dev/null || { echo "missing $binary (apt-get install bird2 python3 time)" >&2; exit 1; }
done
for speaker in "${@:-exabgp-rs exabgp5 exabgp4}"; do
    for s in $speaker; do run_one "$s"; done
done
