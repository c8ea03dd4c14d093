#!/usr/bin/env bash
# Whole-command comparison: simvxplay against sox and ffmpeg doing the same
# job on the same generated 60 s music-like file, as ratios measured in one
# run (medians of several runs each, so a busy machine slows both sides).
#   bench/compare-commands.sh [path/to/simvxplay] [runs]
# A ratio above 1.00 means simvxplay is faster.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=${1:-$(dirname "$0")/../build/simvxplay}
runs=${2:-7}
bin=$(realpath "$bin")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "generating 60 s of music-like audio..." >&2
sox -R -n -r 48000 -c 2 -b 16 music.wav synth 60 sine 220 sine 330 pinknoise sine 440 sine 554 \
  tremolo 3 30 gain -6 2>/dev/null
sox -R -n -r 44100 -c 2 -b 16 music44.wav synth 60 sine 220 sine 330 pinknoise sine 440 sine 554 \
  tremolo 3 30 gain -6 2>/dev/null
flac -s -f -o music.flac music.wav
lame --quiet -b 192 music.wav music.mp3
oggenc -Q -q 5 -o music.ogg music.wav
opusenc --quiet --bitrate 128 music.wav music.opus
sox -n -r 48000 -c 2 -b 16 short.wav trim 0 0.01


row() {  # label, reference name, then: simvxplay args -- reference command
  local label=$1 refname=$2
  shift 2
  local ours=() ref=()
  while [ "$1" != "--" ]; do ours+=("$1"); shift; done
  shift
  ref=("$@")
  local a b
  a=$(median "$runs" "$bin" "${ours[@]}")
  b=$(median "$runs" "${ref[@]}")
  awk -v l="$label" -v r="$refname" -v a="$a" -v b="$b" \
    'BEGIN {printf "%-28s simvxplay %7.3f s   %-22s %7.3f s   ratio %5.2f\n", l, a, r, b, b/a}'
}

echo "job (60 s input, $runs runs each, median)"
row "WAV -> WAV"          "sox"             music.wav  --render out.wav -q -- sox music.wav ref.wav
row "FLAC -> WAV"         "sox"             music.flac --render out.wav -q -- sox music.flac ref.wav
row "FLAC -> WAV"         "flac -d"         music.flac --render out.wav -q -- flac -s -f -d -o ref.wav music.flac
row "MP3 -> WAV"          "sox"             music.mp3  --render out.wav -q -- sox music.mp3 ref.wav
row "MP3 -> WAV"          "mpg123 -w"       music.mp3  --render out.wav -q -- mpg123 -q -w ref.wav music.mp3
row "Vorbis -> WAV"       "ffmpeg"          music.ogg  --render out.wav -q -- ffmpeg -v quiet -y -i music.ogg ref.wav
row "Vorbis -> WAV"       "oggdec"          music.ogg  --render out.wav -q -- oggdec -Q -o ref.wav music.ogg
row "Opus -> WAV"         "ffmpeg"          music.opus --render out.wav -q -- ffmpeg -v quiet -y -i music.opus ref.wav
row "Opus -> WAV"         "opusdec"         music.opus --render out.wav -q -- opusdec --quiet music.opus ref.wav
row "44.1k -> 48k WAV"    "sox rate -h"     music44.wav --sample-rate 48000 --render out.wav -q -- sox music44.wav -r 48000 ref.wav rate -h
row "start-up (10 ms WAV)" "sox"            short.wav  --render out.wav -q -- sox short.wav ref.wav
