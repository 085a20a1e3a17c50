#!/usr/bin/env bash
# Builds SOURCE's fuzz targets with clang into BUILD and runs each for SECONDS from its seed
# corpus (tests/fuzz/corpus/TARGET; the ruleset target also from the captured Docker rule
# sets in tests/data/docker-rules). A crash, leak, timeout or broken invariant fails, leaving
# the input in BUILD/artifacts; make it a unit test. Usage: run.sh SOURCE BUILD SECONDS
set -euo pipefail
src=${1:?usage: run.sh SOURCE BUILD SECONDS} out=${2:?} seconds=${3:?}
if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found (tools/install-deps.sh installs it)" >&2
  exit 1
fi
CXX=clang++ cmake -S "$src" -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDFG_FUZZ=ON \
  -DDFG_LAB=OFF -DDFG_CHECK_BUILDS=OFF -DBUILD_TESTING=ON \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
  >/dev/null
targets=(config docker changed ruleset snapshot)
cmake --build "$out" -j"$(nproc)" --target "${targets[@]/%/_fuzz}" >/dev/null
mkdir -p "$out/artifacts"
for target in "${targets[@]}"; do
  work=$out/corpus/$target log=$out/$target.log
  rm -rf "$work"
  mkdir -p "$work"
  seeds=("$src/tests/fuzz/corpus/$target")
  [[ $target != ruleset ]] || seeds+=("$src/tests/data/docker-rules")
  status=0
  "$out/tests/fuzz/${target}_fuzz" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
    -print_final_stats=1 -artifact_prefix="$out/artifacts/$target-" "$work" "${seeds[@]}" \
    >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz: $target, $seconds s: ${runs:-?} runs, corpus of $(ls "$work" | wc -l) inputs"
  if ((status != 0)); then
    tail -n 40 "$log" >&2
    echo "fuzz: $target failed (exit $status); the input is in $out/artifacts" >&2
    exit 1
  fi
done
