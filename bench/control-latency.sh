#!/usr/bin/env bash
# Command to sound over the control socket through a real PulseAudio daemon
# at 20 ms output latency: from a client's `play` request written to
# `simvxplay --control SOCKET` to the sound at the sink
# (build/bench/simvx_control_latency: a click loaded by name and played every
# half second, the sink's monitor recorded). Runs a private daemon with a null
# sink, so it works headless and leaves any running server alone. The issue's
# target: a median below the output latency plus one block (under 30 ms).
#   bench/control-latency.sh [build dir] [clicks]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
build=$(realpath "${1:-$(dirname "$0")/../build}")
clicks=${2:-20}
work=$(mktemp -d /tmp/simvxplay-latency-XXXXXX)
trap 'stop_private_pulse; rm -rf "$work"' EXIT
start_private_pulse "$work"
"$build/bench/simvx_control_latency" "$build/simvxplay" simvx_bench "$clicks"
