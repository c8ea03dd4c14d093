#!/usr/bin/env bash
# Whole-command comparison for a mixing job: 32 stems of 60 s mixed, then an
# EQ, a compressor and a reverb on the sum — by simvxplay (a scene), by
# `sox -m ... equalizer ... compand ... reverb`, and by the equivalent ffmpeg
# filter graph. Ratios in one run (above 1.00: simvxplay is faster).
#   bench/compare-mix.sh [path/to/simvxplay] [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$(realpath "${1:-$(dirname "$0")/../build/simvxplay}")
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "generating 32 stems of 60 s..." >&2
stems=()
for i in $(seq 1 32); do
  f=$((110 + i * 37))
  sox -R -n -r 48000 -c 2 -b 16 "stem$i.wav" synth 60 sine "$f" sine "$((f * 3 / 2))" pinknoise \
    tremolo "$((i % 5 + 1))" 40 gain -30 2>/dev/null
  stems+=("stem$i.wav")
done

{
  echo 'version = 1'
  echo '[engine]'
  echo 'sample_rate = 48000'
  echo 'duration = 60.0'
  echo '[[bus]]'
  echo 'name = "Master"'
  echo '[[bus.effect]]'
  echo 'type = "eq"'
  echo 'bands = [ { type = "peaking", freq = 1000.0, q = 1.0, gain_db = 3.0 } ]'
  echo '[[bus.effect]]'
  echo 'type = "compressor"'
  echo 'threshold_db = -24.0'
  echo 'ratio = 4.0'
  echo '[[bus.effect]]'
  echo 'type = "reverb"'
  for s in "${stems[@]}"; do printf '[[sound]]\nfile = "%s"\n' "$s"; done
} > mix.toml


ffmpeg_inputs=()
for s in "${stems[@]}"; do ffmpeg_inputs+=(-i "$s"); done
ours=$(median "$runs" "$bin" mix.toml --render out.wav -q)
sox_t=$(median "$runs" sox -m "${stems[@]}" ref_sox.wav equalizer 1000 1q 3 compand 0.005,0.1 6:-24,-24,-6,-18.5 reverb)
ffm_t=$(median "$runs" ffmpeg -v quiet -y "${ffmpeg_inputs[@]}" -filter_complex \
  "amix=inputs=32:normalize=0,equalizer=f=1000:t=q:w=1:g=3,acompressor=threshold=-24dB:ratio=4:attack=5:release=100,aecho=0.8:0.9:40|57|71:0.4|0.3|0.2" \
  ref_ffmpeg.wav)
echo "32 stems x 60 s, mix + EQ + compressor + reverb ($runs runs each, median)"
awk -v a="$ours" -v b="$sox_t" -v c="$ffm_t" 'BEGIN {
  printf "simvxplay %6.2f s (%5.0fx real time)\n", a, 60 / a
  printf "sox       %6.2f s (%5.0fx real time)  ratio %5.1f\n", b, 60 / b, b / a
  printf "ffmpeg    %6.2f s (%5.0fx real time)  ratio %5.1f\n", c, 60 / c, c / a
}'
