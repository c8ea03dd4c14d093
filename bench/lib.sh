# Shared by the bench scripts (sourced, not run).

# median RUNS CMD...: the median wall time of CMD over RUNS runs, in seconds.
median() {
  local runs=$1
  shift
  local t=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1
    e=$(date +%s%N)
    t+=($(( e - s )))
  done
  printf '%s\n' "${t[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.4f", a[int((NR+1)/2)]/1e9}'
}

# paired RUNS FN_A FN_B: runs the shell functions FN_A and FN_B in turn, RUNS
# times each, so that the machine's speed drifting (a shared VM's) touches
# both alike; every other pair runs B first, so a drift within a pair
# favours neither. Prints A's median wall time, B's, and the median of the
# ratios B/A over the pairs, in seconds: "a b ratio".
paired() {
  local runs=$1 a=$2 b=$3 lines=()
  for i in $(seq "$runs"); do
    local s m e ta tb
    s=$(date +%s%N)
    if (( i % 2 )); then "$a" >/dev/null 2>&1; else "$b" >/dev/null 2>&1; fi
    m=$(date +%s%N)
    if (( i % 2 )); then "$b" >/dev/null 2>&1; else "$a" >/dev/null 2>&1; fi
    e=$(date +%s%N)
    if (( i % 2 )); then ta=$(( m - s )) tb=$(( e - m )); else tb=$(( m - s )) ta=$(( e - m )); fi
    lines+=("$ta $tb")
  done
  printf '%s\n' "${lines[@]}" | awk '
    function med(v, n,   i, j, t) {
      for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      return v[int((n + 1) / 2)]
    }
    { a[NR] = $1; b[NR] = $2; r[NR] = $2 / $1 }
    END { printf "%.4f %.4f %.4f\n", med(a, NR) / 1e9, med(b, NR) / 1e9, med(r, NR) }'
}

# start_private_pulse DIR: a private PulseAudio daemon with a null sink named
# simvx_bench (its default), a low-latency silent stream that keeps the null
# sink's blocks short, and PULSE_SERVER/XDG_RUNTIME_DIR pointing at it.
# stop_private_pulse ends them.
start_private_pulse() {
  local dir=$1
  mkdir -p "$dir/runtime" && chmod 700 "$dir/runtime"
  export XDG_RUNTIME_DIR="$dir/runtime" HOME="$dir" PULSE_SERVER="unix:$dir/runtime/pulse/native"
  pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --use-pid-file=no --disable-shm \
    --load="module-null-sink sink_name=simvx_bench rate=48000 channels=2 norewinds=1" \
    --load=module-native-protocol-unix >"$dir/pulseaudio.log" 2>&1 &
  pulse_pid=$!
  for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
  pactl info >/dev/null 2>&1 || { echo "the private PulseAudio server did not start" >&2; cat "$dir/pulseaudio.log" >&2; return 1; }
  pacat --playback --device simvx_bench --latency-msec=10 --format=s16le --rate=48000 --channels=2 --raw /dev/zero &
  keepalive_pid=$!
  sleep 0.3
}

stop_private_pulse() {
  kill "$keepalive_pid" "$pulse_pid" 2>/dev/null || true
  wait "$keepalive_pid" "$pulse_pid" 2>/dev/null || true
}
