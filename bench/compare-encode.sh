#!/usr/bin/env bash
# Encoded renders: a 60 s render to FLAC, Opus, Vorbis and MP3 by simvxplay,
# against ffmpeg encoding the same WAV with the same library and settings
# (flac -5, libopus 128 kbit/s, libvorbis -q 3, libmp3lame -V 2). The WAV is
# rendered first, so ffmpeg's time is the encoding of a file ready on disk
# and ours is the whole render (decode, mix, encode). Ratios in one run
# (above 1.00: simvxplay is faster).
#   bench/compare-encode.sh [path/to/simvxplay] [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$(realpath "${1:-$(dirname "$0")/../build/simvxplay}")
runs=${2:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# Music-like: two tones, a tremolo and pink noise, 48 kHz stereo.
sox -R -n -r 48000 -c 2 -b 16 in.wav synth 60 sine 220 sine 330 pinknoise tremolo 3 40 gain -12 2>/dev/null
"$bin" in.wav --render mix.wav -q

# name | our extension and options | ffmpeg's encoder and options
jobs=(
  "FLAC -5|out.flac|-c:a flac -compression_level 5 ref.flac"
  "Opus 128k|out.opus --bitrate 128|-c:a libopus -b:a 128k ref.opus"
  "Vorbis q3|out.ogg --quality 3|-c:a libvorbis -q:a 3 ref.ogg"
  "MP3 -V 2|out.mp3 --quality 2|-c:a libmp3lame -q:a 2 ref.mp3"
)
echo "60 s 48 kHz stereo render, encoded ($runs runs each, median)"
for job in "${jobs[@]}"; do
  IFS='|' read -r name ours theirs <<<"$job"
  # shellcheck disable=SC2086  # the options are words
  a=$(median "$runs" "$bin" in.wav -q --render $ours)
  # shellcheck disable=SC2086
  b=$(median "$runs" ffmpeg -v quiet -y -i mix.wav $theirs)
  awk -v n="$name" -v a="$a" -v b="$b" 'BEGIN {
    printf "%-10s simvxplay %6.3f s  ffmpeg %6.3f s  ratio %5.2f\n", n, a, b, b / a }'
done
