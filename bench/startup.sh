#!/usr/bin/env bash
# Issue 3 benchmark: N static routes (default 1,000,000) from the configuration to a BIRD 2
# receiver on loopback. For each speaker it reports the time from process start to
# Established, from Established to BIRD holding every route, and the speaker's peak RSS
# (/usr/bin/time -v).
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

# shellcheck source=bench/common.sh
. "$ROOT/bench/common.sh"

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

    start_bird "$dir"

    local start established= loaded loaded_rss= loaded_hwm=
    start=$(now)
    start_speaker "$dir" "$command" "$dir/exabgp.conf"
    local status=ok
    if wait_established "$dir" "$start"; then
        if wait_routes "$dir" "$ROUTES" "$start"; then
            loaded=$reached
            # the speaker's memory once the table is sent (what it keeps), beside its peak:
            # stopping re-queues the table for a next session, which raises the final peak
            local pid
            pid=$(ps -o pid= --ppid "$time_pid" | tr -d ' ' || true)
            loaded_rss=$(awk '$1 == "VmRSS:" { printf "%.0f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || true)
            loaded_hwm=$(awk '$1 == "VmHWM:" { printf "%.0f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || true)
        else
            status="routes not all received"
        fi
    else
        status="no session"
    fi

    local rss
    stop_speaker "$dir"
    stop_bird
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
check_tools
for speaker in "${@:-exabgp-rs exabgp5 exabgp4}"; do
    for s in $speaker; do run_one "$s"; done
done
