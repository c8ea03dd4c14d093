#!/usr/bin/env bash
# Scale and cost of the checks: --check of a scene with 1,000 streamed sounds
# (wall time, peak RSS), and what --stats adds to a render (a 10-minute mix of
# three buses, and ten minutes of the demo scene; the renders with and
# without --stats run in turn, and the cost is the median of their ratios).
#   bench/scale.sh [path/to/simvxplay] [runs]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
repo=$(realpath "$(dirname "$0")/..")
bin=$(realpath "${1:-$repo/build/simvxplay}")
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

sox -n -r 44100 -c 2 -b 16 long.flac synth 30 sine 300 vol 0.5
{
  echo "version = 1"
  for i in $(seq 0 999); do
    ln -s long.flac "long$i.flac"
    printf '[[sound]]\nfile = "long%d.flac"\nstream = true\nstart = %s\n' "$i" "$(awk -v i="$i" 'BEGIN{print i/100}')"
  done
} > streamed.toml
rss=$(/usr/bin/time -f %M "$bin" streamed.toml --check 2>&1 >/dev/null | tail -1)
printf '%-44s %7.3f s   peak RSS %6.1f MB\n' "--check, 1,000 streamed sounds" "$(median "$runs" "$bin" streamed.toml --check)" \
  "$(awk -v k="$rss" 'BEGIN{print k/1024}')"

sox -R -n -r 48000 -c 2 -b 16 music.wav synth 600 sine 220 sine 330 pinknoise tremolo 3 30 gain -9 2>/dev/null
sox -R -n -r 48000 -c 1 -b 16 voice.wav synth 600 sine 300-3000 tremolo 5 60 gain -12 2>/dev/null
cat > mix.toml <<'TOML'
version = 1
[[bus]]
name = "Music"
[[bus.effect]]
type = "compressor"
sidechain = "Voice"
[[bus]]
name = "Voice"
[[bus]]
name = "Verb"
[[bus.effect]]
type = "reverb"
[[sound]]
file = "music.wav"
bus = "Music"
[[sound]]
file = "voice.wav"
bus = "Voice"
sends = [ { bus = "Verb", volume_db = -12 } ]
TOML
# Plain and --stats renders in turn; the cost is the median of the pairs' ratios.
cost() {
  read -r a b ratio < <(paired "$runs" plain stats)
  awk -v a="$a" -v b="$b" -v r="$ratio" -v what="$1" \
    'BEGIN {printf "%-44s %7.3f s   with --stats %7.3f s   cost %+.0f%%\n", what, a, b, (r-1)*100}'
}
plain() { "$bin" mix.toml --render /dev/null; }
stats() { "$bin" mix.toml --render /dev/null --stats; }
cost "render, 10 min, 3 buses + Master"
rss=$(/usr/bin/time -f %M "$bin" mix.toml --render /dev/null --stats 2>&1 >/dev/null | tail -1)
printf '%-44s peak RSS %6.1f MB\n' "render with --stats" "$(awk -v k="$rss" 'BEGIN{print k/1024}')"

# The demo scene (what the issue's fault run rendered), ten minutes of it.
"$repo/scripts/make-demo-assets" "$work/demo/assets" >/dev/null
cp "$repo/examples/demo.toml" "$work/demo/"
cd "$work/demo"
plain() { "$bin" demo.toml --duration 600 --render /dev/null; }
stats() { "$bin" demo.toml --duration 600 --render /dev/null --stats; }
cost "render, 10 min of examples/demo.toml"
