#!/usr/bin/env bash
# Coverage-guided fuzzing of every decoder with libFuzzer. Builds each target of Fuzz/ with
# `swift build --sanitize=fuzzer` in .build-fuzz (the targets exist only with VIGIL_FUZZ=1, see
# Package.swift), replays the crashes already kept in Fuzz/crashes/<Target>/, then fuzzes each target
# for FUZZ_SECONDS, starting from the seeds in Fuzz/corpus/<Target>/. New crashes land in
# Fuzz/crashes/<Target>/; what libFuzzer learns goes to .build-fuzz/corpus/<Target>/ (kept between
# runs, never committed). Prints, per target, the seconds it ran and the inputs it tried; exits 1
# when any target crashed.
#   FUZZ_SECONDS   seconds per target (default 60)
#   FUZZ_TARGETS   the targets to run, space-separated (default: all)
#   FUZZ_ASAN=1    also build with AddressSanitizer (slower; finds memory errors in C and unsafe code)
#   FUZZ_JOBS      libFuzzer worker processes per target (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}
scratch=.build-fuzz
# Target and the longest input it is given: about the size of what it meets, bounded so each run
# stays fast (a dashboard is up to 41 kB; a label regex is at most 1024 characters).
declare -A max_len=(
  [FuzzOTLPProtobuf]=16384 [FuzzOTLPJSON]=16384 [FuzzGzip]=8192
  [FuzzRuleFile]=8192 [FuzzLabelRegex]=2048
  [FuzzDashboard]=65536 [FuzzPanelSQL]=4096
  [FuzzOutputMessages]=8192 [FuzzFormBody]=4096 [FuzzEmbeddings]=8192 [FuzzRedactor]=8192
)
all_targets=(FuzzOTLPProtobuf FuzzOTLPJSON FuzzGzip FuzzRuleFile FuzzLabelRegex FuzzDashboard FuzzPanelSQL
             FuzzOutputMessages FuzzFormBody FuzzEmbeddings FuzzRedactor)
read -r -a targets <<< "${FUZZ_TARGETS:-${all_targets[*]}}"

fork_flags=()
[ "$jobs" -le 1 ] || fork_flags=(-fork="$jobs")
build_flags=(-c debug --build-system native --sanitize=fuzzer --scratch-path "$scratch")
[ "${FUZZ_ASAN:-0}" != "1" ] || build_flags+=(--sanitize=address)
export VIGIL_FUZZ=1

for target in "${targets[@]}"; do
  [ -n "${max_len[$target]:-}" ] || { echo "fuzz.sh: unknown target $target (known: ${all_targets[*]})" >&2; exit 2; }
  echo "== building $target"
  swift build "${build_flags[@]}" --product "$target"
done
bin=$(swift build "${build_flags[@]}" --show-bin-path)

logs="$scratch/logs"
mkdir -p "$logs"
summary=()
failed=0
for target in "${targets[@]}"; do
  crashes="Fuzz/crashes/$target"
  work="$scratch/corpus/$target"
  mkdir -p "$crashes" "$work"
  log="$logs/$target.log"

  findings() { find "$crashes" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | sort; }

  # Crashes kept from earlier runs must not crash any more.
  mapfile -t kept < <(findings)
  if [ ${#kept[@]} -gt 0 ]; then
    echo "== $target: replaying ${#kept[@]} kept crash input(s)"
    if ! "$bin/$target" -artifact_prefix="$scratch/replay-" "${kept[@]}" >"$logs/$target.replay.log" 2>&1; then
      echo "   a kept crash input still fails; see $logs/$target.replay.log"
      failed=1
    fi
  fi

  before=$(findings | wc -l)
  echo "== $target: fuzzing for $seconds s (max_len ${max_len[$target]})"
  start=$(date +%s)
  status=0
  "$bin/$target" \
    -max_total_time="$seconds" -max_len="${max_len[$target]}" -timeout=10 -report_slow_units=30 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$crashes/" \
    "${fork_flags[@]}" "$work" "Fuzz/corpus/$target" >"$log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - start ))
  # The count of inputs tried: libFuzzer's final stats, else its "#N DONE" or "Done N runs" line.
  runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  [ -n "$runs" ] || runs=$(sed -n 's/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$log" | tail -n 1)
  [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
  after=$(findings | wc -l)
  found=$(( after - before ))
  result="ok"
  if [ "$status" -eq 0 ] && [ -z "$runs" ]; then
    # A target whose main never reached libFuzzer exits at once, having tried nothing.
    result="DID NOT FUZZ (no libFuzzer statistics; log $log)"
    failed=1
  elif [ "$status" -ne 0 ] || [ "$found" -gt 0 ]; then
    result="CRASH (exit $status, $found new file(s) in $crashes/; log $log)"
    failed=1
    grep -m 5 -E '==[0-9]+==|Fatal error|Precondition failed|ERROR: libFuzzer' "$log" | sed 's/^/   /' || true
  fi
  summary+=("$(printf '%-20s %6s s %12s inputs  %s' "$target" "$elapsed" "${runs:-?}" "$result")")
done

echo
echo "libFuzzer, $seconds s per target:"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
  echo "fuzz.sh: a target crashed or did not fuzz; each crash becomes a regression test (see README, Fuzzing)" >&2
  exit 1
fi
