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
build=$(realpath "${1:-$(dirname "$0")/../build}")
clicks=${2:-20}
runtime=$(mktemp -d /tmp/simvxplay-control-latency-XXXXXX)
export XDG_RUNTIME_DIR="$runtime" PULSE_SERVER="unix:$runtime/pulse/native" HOME="$runtime"
unset PULSE_RUNTIME_PATH
pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --use-pid-file=no --disable-shm \
  --load="module-null-sink sink_name=latency rate=48000 channels=2 norewinds=1" \
  --load="module-native-protocol-unix" >"$runtime/pulseaudio.log" 2>&1 &
pa_pid=$!
trap 'kill $pa_pid 2>/dev/null; wait $pa_pid 2>/dev/null; rm -rf "$runtime"' EXIT
for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
pactl info >/dev/null 2>&1 || { echo "the private PulseAudio server did not start:" >&2; cat "$runtime/pulseaudio.log" >&2; exit 4; }
"$build/bench/simvx_control_latency" "$build/simvxplay" latency "$clicks"
