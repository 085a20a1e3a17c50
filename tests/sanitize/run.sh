#!/usr/bin/env bash
# Builds SOURCE into BUILD with -fsanitize=address,undefined and runs its unit and golden
# tests there (sanitize test). Usage: run.sh SOURCE BUILD
set -euo pipefail
src=${1:?usage: run.sh SOURCE BUILD} out=${2:?usage: run.sh SOURCE BUILD}
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
# The /usr prefix, as the golden cases expect (the command's path in companion units). The lab's
# flow prober is static, which the sanitizers refuse; these tests do not run it.
cmake -S "$src" -B "$out" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_INSTALL_PREFIX=/usr -DDFG_WERROR=ON \
  -DDFG_LAB=OFF -DDFG_CHECK_BUILDS=OFF -DDFG_FLOWPROBE=OFF -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$out" -j"$(nproc)" >/dev/null
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
ctest --test-dir "$out" --output-on-failure -j"$(nproc)" -L 'unit|generator'
