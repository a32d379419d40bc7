#!/usr/bin/env bash
# Issue 4 benchmark: routes through the API helpers, with a BIRD 2 peer on loopback.
#
#   inject   a helper prints N `announce route A.B.C.0/24 next-hop 192.0.2.1` lines as fast as it
#            can (and drains the daemon's acknowledgements); BIRD (passive, import all) counts
#            the routes it imported. Reports start -> all in BIRD, routes/s over that, and the
#            speaker's peak RSS.
#   receive  BIRD exports N static /24 routes; a helper subscribed to `receive { parsed;
#            update; }` with `encoder json` counts the prefixes in the JSON it reads. Reports
#            Established -> the helper has seen all N, routes/s over that, and peak RSS.
#
# usage: bench/api.sh [-n ROUTES] [-c CAP] {inject|receive} [SPEAKER...]
#   SPEAKER: exabgp-rs (target/release), exabgp5 (ExaBGP 5.0.15 in a venv under /tmp), exabgp4
#            (Debian's /usr/sbin/exabgp 4.2). Default: all three; one not available is skipped.
#   -c CAP   stop a run CAP seconds after the speaker started and report the count reached and
#            the rate so far (ExaBGP 5 injects under 1,000 routes/s: 1M would take 20 minutes).
#
# The peak RSS is /usr/bin/time's for the speaker, which includes its helper's (awk, or a small
# Python loop: a few MiB). Everything lives in a temporary directory; BIRD and the speaker are
# stopped by PID.
set -euo pipefail

ROUTES=1000000
CAP=0
TIMEOUT=${BENCH_TIMEOUT:-600}  # seconds allowed to reach Established
STALL=${BENCH_STALL:-60}       # seconds without progress before giving up
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV=/tmp/exabgp5-venv
SPEAKER_AS=65000
BIRD_AS=65001

# shellcheck source=bench/common.sh
. "$ROOT/bench/common.sh"

# The i-th route's prefix, i from 0: 16+i/65536 . i/256%256 . i%256 . 0/24 (as bench/startup.sh).
PREFIX_AWK='function prefix(i) { return sprintf("%d.%d.%d.0/24", 16 + int(i / 65536), int(i / 256) % 256, i % 256) }'

# The injecting helper: drains what the daemon writes (acknowledgements) so the daemon never
# waits on it, prints every announce at once, then stays until the daemon closes its stdin.
inject_helper() {
    # (an asynchronous command's stdin is /dev/null unless redirected: hence fd 3)
    printf '#!/bin/sh\nexec 3<&0\ncat <&3 >/dev/null &\n'
    printf "awk -v n=%s '%s BEGIN { for (i = 0; i < n; i++) printf \"announce route %%s next-hop 192.0.2.1\\\\n\", prefix(i) }'\n" \
        "$1" "$PREFIX_AWK"
    printf 'wait\n'
}

# The counting helper: every prefix in the JSON ends in `/24"`; writes the time it saw the
# N-th to $2, and its running count to $2.count every second.
count_helper() {
    cat <<END
#!/usr/bin/env python3
import os, time
n, seen, tail, last = $1, 0, b'', 0.0
while True:
    chunk = os.read(0, 1 << 20)
    if not chunk:
        break
    data = tail + chunk
    seen += data.count(b'/24"') - tail.count(b'/24"')
    tail = data[-3:]
    if seen >= n:
        with open('$2', 'w') as out:
            out.write('%.6f\n' % time.time())
        n = float('inf')
    if time.time() - last >= 1:
        last = time.time()
        with open('$2.count', 'w') as out:
            out.write('%d\n' % seen)
END
}

speaker_config() {
    local address=$1 peer=$2 port=$3 helper=$4 mode=$5
    cat <<END
process bench {
    run $helper;
    encoder json;
}

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
    api {
        processes [ bench ];
END
    if [ "$mode" = receive ]; then
        printf '        receive {\n            parsed;\n            update;\n        }\n'
    fi
    printf '    }\n}\n'
}

bird_config() {
    local address=$1 port=$2 peer=$3 mode=$4 filters='import all; export none;'
    printf 'router id %s;\nlog stderr { warning, error, fatal };\nprotocol device {}\n' "$address"
    if [ "$mode" = receive ]; then
        filters='import none; export all;'
        printf 'protocol static feed {\n    ipv4;\n'
        awk -v n="$ROUTES" "$PREFIX_AWK"' BEGIN { for (i = 0; i < n; i++) printf "    route %s blackhole;\n", prefix(i) }'
        printf '}\n'
    fi
    cat <<END
protocol bgp speaker {
    local $address port $port as $BIRD_AS;
    neighbor $peer as $SPEAKER_AS;
    multihop;
    strict bind yes;
    passive on;
    hold time 240;
    ipv4 { $filters };
}
END
}

rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }'; }

# Waits for the counting helper's time stamp; returns 2 when CAP passed, 1 on a stall or exit.
# Sets count and reached as wait_routes does.
wait_helper() {
    local dir=$1 start=$2 last=-1 moved
    moved=$(now)
    while :; do
        [ -s "$dir/seen" ] && return 0
        count=$(cat "$dir/seen.count" 2>/dev/null || echo 0)
        reached=$(now)
        if [ "$count" != "$last" ]; then
            last=$count
            moved=$reached
        elif [ "$(elapsed "$moved" "$reached" | cut -d. -f1)" -ge "$STALL" ]; then
            echo "stalled at $count routes" >&2
            return 1
        fi
        if [ "$CAP" -gt 0 ] && [ "$(elapsed "$start" "$reached" | cut -d. -f1)" -ge "$CAP" ]; then
            return 2
        fi
        kill -0 "$time_pid" 2>/dev/null || { echo "speaker exited at $count routes" >&2; return 1; }
        sleep 0.1
    done
}

run_one() {
    local mode=$1 name=$2 command
    command=$(speaker_command "$name")
    if [ -z "$command" ]; then
        printf '%-8s %-10s skipped\n' "$mode" "$name"
        return 0
    fi
    local dir bird_address=127.0.4.1 speaker_address=127.0.4.2 port helper
    dir=$(mktemp -d /tmp/bench-api.XXXXXX)
    port=$(free_port)
    helper="$dir/helper"
    if [ "$mode" = inject ]; then
        inject_helper "$ROUTES" >"$helper"
    else
        count_helper "$ROUTES" "$dir/seen" >"$helper"
    fi
    chmod +x "$helper"
    bird_config $bird_address "$port" $speaker_address "$mode" >"$dir/bird.conf"
    speaker_config $speaker_address $bird_address "$port" "$helper" "$mode" >"$dir/exabgp.conf"
    start_bird "$dir"

    local start established= done_at= outcome=0 status=ok load
    start=$(now)
    start_speaker "$dir" "$command" "$dir/exabgp.conf"
    if wait_established "$dir" "$start"; then
        if [ "$mode" = inject ]; then
            wait_routes "$dir" "$ROUTES" "$start" || outcome=$?
            done_at=$reached
        else
            wait_helper "$dir" "$start" || outcome=$?
            done_at=$reached
            if [ "$outcome" = 0 ]; then
                done_at=$(cat "$dir/seen")
                count=$ROUTES
            fi
        fi
        case $outcome in
        0) ;;
        2) status=capped ;;
        *) status="routes not all received" ;;
        esac
    else
        status="no session"
    fi
    load=$(awk '{ print $1 }' /proc/loadavg)
    local rss cpu
    stop_speaker "$dir"
    stop_bird

    local from=$start what="start->all" took
    if [ "$mode" = receive ]; then from=$established what="established->all"; fi
    case $status in
    ok)
        took=$(elapsed "$from" "$done_at")
        printf '%-8s %-10s routes %-8s start->established %7ss  %s %8ss  %7s routes/s  peak-rss %6s MiB  cpu %6ss  load %s\n' \
            "$mode" "$name" "$ROUTES" "$(elapsed "$start" "$established")" "$what" "$took" \
            "$(rate "$ROUTES" "$took")" "${rss:-?}" "${cpu:-?}" "$load"
        rm -rf "$dir"
        ;;
    capped)
        took=$(elapsed "$from" "$done_at")
        printf '%-8s %-10s routes %-8s capped: %s routes in %ss (%s), %s routes/s, all in ~%ss  peak-rss %6s MiB  cpu %6ss  load %s\n' \
            "$mode" "$name" "$ROUTES" "$count" "$took" "$what" "$(rate "$count" "$took")" \
            "$(awk -v n="$ROUTES" -v c="$count" -v t="$took" 'BEGIN { printf "%.0f", (c > 0 ? n * t / c : 0) }')" \
            "${rss:-?}" "${cpu:-?}" "$load"
        rm -rf "$dir"
        ;;
    *)
        printf '%-8s %-10s routes %-8s FAILED: %s (peak-rss %s MiB; logs in %s)\n' \
            "$mode" "$name" "$ROUTES" "$status" "${rss:-?}" "$dir"
        ;;
    esac
}

while [ $# -gt 0 ]; do
    case $1 in
    -n) ROUTES=$2; shift 2 ;;
    -c) CAP=$2; shift 2 ;;
    *) break ;;
    esac
done
mode=${1:-}
case $mode in
inject | receive) shift ;;
*) echo "usage: $0 [-n ROUTES] [-c CAP] {inject|receive} [SPEAKER...]" >&2; exit 1 ;;
esac
check_tools
for speaker in "${@:-exabgp-rs exabgp5 exabgp4}"; do
    for s in $speaker; do run_one "$mode" "$s"; done
done
