#!/usr/bin/env bash
# Playback against a real PulseAudio daemon (a private one with a null sink,
# started here): time to first sound, CPU while playing an MP3 beside paplay
# (and mpv when installed), and underruns of a 256-voice scene with effects at
# 20 ms latency while the other core is busy.
#   bench/pulse-playback.sh [path/to/simvxplay] [underrun-test seconds, default 300; 0 skips it]
#                           [CPU runs per command, default 5; 0 skips the CPU comparison]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
here=$(realpath "$(dirname "$0")")
bin=$(realpath "${1:-$here/../build/simvxplay}")
soak=${2:-300}
cpu_runs=${3:-5}
work=$(mktemp -d)
trap 'stop_private_pulse; rm -rf "$work"' EXIT
cd "$work"
start_private_pulse "$work"

sox -n -r 48000 -c 2 -b 16 click.wav synth 0.3 sine 1000 vol 0.5
echo "time to first sound at the sink (median of 7, upper bound incl. the monitor's latency):"
printf "  simvxplay %6s ms\n" "$("$here/first_sound.py" 7 "$bin" -q click.wav)"
printf "  paplay    %6s ms\n" "$("$here/first_sound.py" 7 paplay click.wav)"

sox -n -r 44100 -c 2 song.wav synth 20 sine 220 sine 330 pinknoise gain -12 2>/dev/null
lame --quiet -b 192 song.wav song.mp3
# CPU milliseconds (user + sys) of one command: perf's task clock when perf
# is installed (exact), else /usr/bin/time (10 ms steps).
cpu_once() {
  if command -v perf >/dev/null; then
    perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | awk -F, '/task-clock/ {printf "%.0f", $1}'
  else
    /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", ($1 + $2) * 1000}'
  fi
}
# The median of cpu_runs runs.
cpu() {
  for _ in $(seq "$cpu_runs"); do cpu_once "$@"; echo; done | sort -n | sed -n "$(( (cpu_runs + 1) / 2 ))p"
}
# Most of the CPU goes to waking up for each server request, so compare at
# the same latency as well as at each program's default.
if [ "$cpu_runs" -gt 0 ]; then
  echo "CPU milliseconds (user + sys, median of $cpu_runs) to play a 20 s MP3 in real time:"
  printf "  simvxplay, 20 ms latency (its default)  %4s ms\n" "$(cpu "$bin" -q song.mp3)"
  printf "  paplay,    20 ms latency                %4s ms\n" "$(cpu paplay --latency-msec=20 song.mp3)"
  if command -v mpv >/dev/null; then
    printf "  mpv --no-video, 20 ms latency           %4s ms\n" \
      "$(cpu mpv --no-video --really-quiet --ao=pulse --pulse-buffer=20 song.mp3)"
  fi
  printf "  simvxplay, 200 ms latency               %4s ms\n" "$(cpu "$bin" -q --latency-ms 200 song.mp3)"
  printf "  paplay,    its default (about 2 s)      %4s ms\n" "$(cpu paplay song.mp3)"
  if command -v mpv >/dev/null; then
    printf "  mpv --no-video, its default             %4s ms\n" "$(cpu mpv --no-video --really-quiet --ao=pulse song.mp3)"
  fi
fi

[ "$soak" -gt 0 ] || exit 0
echo "256 voices with effects at 20 ms latency for $soak s, the other core busy:"
for i in $(seq 1 8); do
  sox -R -n -r 48000 -c 2 -b 16 "v$i.wav" synth 3 sine $((200 + 50 * i)) pinknoise tremolo 3 40 gain -40 2>/dev/null
done
{
  echo 'version = 1'
  echo '[engine]'
  echo "duration = $soak.0"
  echo 'latency_ms = 20'
  for b in A B C D; do
    printf '[[bus]]\nname = "%s"\n[[bus.effect]]\ntype = "eq"\nbands = [ { type = "peaking", freq = 1000.0, gain_db = 3.0 } ]\n' "$b"
    printf '[[bus.effect]]\ntype = "compressor"\n'
  done
  printf '[[bus]]\nname = "Master"\n[[bus.effect]]\ntype = "reverb"\n[[bus.effect]]\ntype = "limiter"\n'
  for i in $(seq 1 256); do
    printf '[[sound]]\nfile = "v%d.wav"\nloop = true\nbus = "%s"\nstart = %s\n' \
      $(( i % 8 + 1 )) "$(echo ABCD | cut -c $(( i % 4 + 1 )))" "0.0$(( i % 10 ))"
  done
} > voices.toml
# The baseline: pacat playing raw PCM at the same latency, at the same time
# and under the same load (underruns that come from the machine and the
# server, not from rendering: a stall of the host reaches both).
sox -n -r 48000 -c 2 -b 16 -t raw tone.raw synth "$soak" sine 440 gain -20
( while :; do :; done ) &
busy=$!
pacat -v --latency-msec=20 --format=s16le --rate=48000 --channels=2 --raw tone.raw > pacat.log 2>&1 &
pacat_pid=$!
"$bin" voices.toml 2> soak.log || true
wait "$pacat_pid" || true
kill "$busy"
baseline=$(grep -ci underrun pacat.log || true)
underruns=$(grep -o '[0-9]* underruns: the machine' soak.log | awk '{print $1}' || true)
echo "  simvxplay, 256 voices + effects: ${underruns:-0} underruns"
echo "  pacat, one raw stream:           ${baseline:-0} underruns"
