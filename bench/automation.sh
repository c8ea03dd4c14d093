#!/usr/bin/env bash
# What automation and variation cost: a 64-voice, 60 s mix on 16 buses
# (lowpass, 16-band eq, compressor and gain each; a reverb; a limiter),
# rendered with every parameter a number, then with 1,000 of them following
# envelopes and 2,000 triggers a minute (bench/tools/automation_scenes.py).
# Prints both renders' median wall times and the cost, measured in one run
# (interleaved pairs, as bench/scale.sh does).
#   bench/automation.sh [path/to/simvxplay] [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$(realpath "${1:-$(dirname "$0")/../build/simvxplay}")
runs=${2:-5}
tools=$(realpath "$(dirname "$0")/tools")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

python3 "$tools/automation_scenes.py" >/dev/null
for i in 0 1 2 3 4 5 6 7; do sox -R -n -r 48000 -c 1 -b 16 "tone$i.wav" synth 2 sine $((200 + 110 * i)) vol 0.3; done
for i in 1 2 3; do sox -R -n -r 48000 -c 1 -b 16 "hit$i.wav" synth 1.5 pinknoise fade 0 1.5 1.0 vol 0.4; done
"$bin" moving.toml --check | awk '/^sound /{n++} END {printf "moving.toml: %d voices set up (32 loops, the rest triggers)\n", n}'
# The two renders in turn; the cost is the median of the pairs' ratios (a
# shared machine's speed drifts: both of a pair see about the same).
static() { "$bin" static.toml --render /dev/null; }
moving() { "$bin" moving.toml --render /dev/null; }
read -r a b ratio < <(paired "$runs" static moving)
awk -v a="$a" -v b="$b" -v r="$ratio" 'BEGIN {printf "%-52s %7.3f s\n%-52s %7.3f s   cost %+.1f%%\n",
  "render, 60 s, 64 voices, 16 buses, static", a, "the same, 1,000 envelopes, 2,000 triggers a minute", b, (r-1)*100}'
