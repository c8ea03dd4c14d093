# Shared by the bench/compare-*.sh scripts (sourced, not run).

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
