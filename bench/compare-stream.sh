#!/usr/bin/env bash
# Throughput of live PCM input: 120 s of s16 stereo 48 kHz piped in by a fast
# producer (cat) and rendered to WAV — `simvxplay --stream - --render` at the
# default 250 ms buffer and at 1000 ms — against sox and ffmpeg doing the same
# pipe-to-WAV copy. The issue's target is at least 200x real time.
#   bench/compare-stream.sh [path/to/simvxplay] [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$(realpath "${1:-$(dirname "$0")/../build/simvxplay}")
runs=${2:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
seconds=120

echo "generating $seconds s of s16 stereo 48 kHz noise..." >&2
sox -R -n -r 48000 -c 2 -b 16 -e signed-integer -t raw in.raw synth "$seconds" whitenoise vol 0.5

ours=$(median "$runs" bash -c "cat in.raw | '$bin' --stream - --render out.wav -q")
ours_big=$(median "$runs" bash -c "cat in.raw | '$bin' --stream - --stream-buffer-ms 1000 --render out.wav -q")
sox_t=$(median "$runs" bash -c "cat in.raw | sox -t raw -r 48000 -c 2 -e signed-integer -b 16 - ref_sox.wav")
ffm_t=$(median "$runs" bash -c "cat in.raw | ffmpeg -v quiet -y -f s16le -ar 48000 -ac 2 -i - ref_ffmpeg.wav")
sox out.wav -t raw - | cmp -s - in.raw || { echo "the render differs from the input" >&2; exit 1; }
echo "$seconds s of s16 stereo 48 kHz through a pipe to WAV ($runs runs each, median)"
awk -v a="$ours" -v a2="$ours_big" -v b="$sox_t" -v c="$ffm_t" -v s="$seconds" 'BEGIN {
  printf "simvxplay --stream -            %6.3f s (%5.0fx real time)\n", a, s / a
  printf "simvxplay --stream-buffer-ms 1000 %6.3f s (%5.0fx real time)\n", a2, s / a2
  printf "sox                             %6.3f s (%5.0fx real time)  ratio %5.2f\n", b, s / b, b / a
  printf "ffmpeg                          %6.3f s (%5.0fx real time)  ratio %5.2f\n", c, s / c, c / a
}'
