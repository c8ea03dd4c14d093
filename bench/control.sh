#!/usr/bin/env bash
# Live control under load: 256 voices playing through buses with effects
# (reverb, compressor, EQ) on the null device, while a client sends 1,000
# mixed play/set/stop requests a second for 10 s. Reports the requests
# answered, their reply time (median and 99th percentile), the underruns the
# device and the streams counted (the control path must cause none), and the
# CPU the control thread used.
#   bench/control.sh [path/to/simvxplay] [seconds]
set -euo pipefail
bin=$(realpath "${1:-$(dirname "$0")/../build/simvxplay}")
seconds=${2:-10}
work=$(mktemp -d)
trap 'kill "$player" 2>/dev/null || true; rm -rf "$work"' EXIT
cd "$work"

sox -R -n -r 48000 -c 1 -b 16 hit.wav synth 0.2 sine 800 fade 0 0.2 0.15 2>/dev/null
sox -R -n -r 48000 -c 2 -b 16 bed.wav synth 4 pinknoise gain -20 2>/dev/null
{
  cat <<'TOML'
version = 1
[[bus]]
name = "Fx"
[[bus.effect]]
type = "eq"
bands = [ { type = "peaking", freq = 1000.0, q = 1.0, gain_db = 3.0 } ]
[[bus.effect]]
type = "compressor"
threshold_db = -20.0
ratio = 4.0
[[bus]]
name = "Verb"
[[bus.effect]]
type = "reverb"
TOML
  for i in $(seq 0 255); do
    printf '[[sound]]\nfile = "bed.wav"\nloop = true\nbus = "%s"\nvolume_db = -30\nfrom_position = %s\n' \
      "$([ $((i % 2)) -eq 0 ] && echo Fx || echo Verb)" "$(awk -v i="$i" 'BEGIN{print (i % 40) / 10}')"
  done
} > mix.toml

"$bin" mix.toml --null --control "$work/mix.sock" 2>player.log &
player=$!
while [ ! -S "$work/mix.sock" ]; do sleep 0.05; done

python3 - "$work/mix.sock" "$seconds" "$player" <<'PY'
import json, os, socket, statistics, sys, time

path, seconds, pid = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(path)
f = sock.makefile("rw", encoding="utf-8", newline="\n")

def ask(**req):
    f.write(json.dumps(req) + "\n"); f.flush()
    while True:
        reply = json.loads(f.readline())
        if "event" not in reply:
            return reply

def control_thread_cpu():
    """CPU seconds (user + system) of the thread named simvx-control."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as c:
            if c.read().strip() != "simvx-control":
                continue
        with open(f"/proc/{pid}/task/{tid}/stat") as s:
            fields = s.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return float("nan")

ask(cmd="load", name="hit", file="hit.wav")
voices, times, refused = [], [], 0
t0 = time.monotonic()
n = 0
while time.monotonic() - t0 < seconds:
    due = t0 + n / 1000.0
    now = time.monotonic()
    if due > now:
        time.sleep(due - now)
    kind = n % 10
    t = time.perf_counter()
    if kind < 3 or not voices:
        r = ask(cmd="play", sound="hit", volume_db=-24, pan=((n % 7) - 3) / 3)
        if r["ok"]:
            voices.append(r["voice"])
    elif kind < 9:
        r = ask(cmd="set", voice=voices[n % len(voices)], volume_db=-20 - n % 10, pan=((n % 5) - 2) / 2, ramp=0.02)
    else:
        r = ask(cmd="stop", voice=voices.pop(0), ramp=0.01)
    times.append(time.perf_counter() - t)
    refused += 0 if r["ok"] else 1
    n += 1
elapsed = time.monotonic() - t0
state = ask(cmd="get", what="engine")["engine"]
times.sort()
print(f"requests             {n} in {elapsed:.1f} s ({n / elapsed:.0f}/s), {refused} refused (voices that had ended)")
print(f"reply time           median {statistics.median(times) * 1e3:.3f} ms, 99th percentile {times[int(len(times) * 0.99)] * 1e3:.3f} ms")
print(f"underruns            {state['underruns']}")
print(f"control thread CPU   {control_thread_cpu():.2f} s over {elapsed:.1f} s")
ask(cmd="quit")
PY
wait "$player"
