#!/usr/bin/env bash
# Runs one lab test for CTest: run-test.sh NAME COMMAND [ARGS...]. The output goes to CTest and
# to $LAB_BUILD_DIR/lab-artifacts/NAME/output.log; that folder (with the host's journal, see
# lab_save_evidence) is kept only when the test fails.
set -euo pipefail
export LAB_TEST=$1
shift
export LAB_BUILD_DIR=${LAB_BUILD_DIR:?run-test.sh needs LAB_BUILD_DIR}
export LAB_ARTIFACTS=$LAB_BUILD_DIR/lab-artifacts/$LAB_TEST
rm -rf "$LAB_ARTIFACTS"
mkdir -p "$LAB_ARTIFACTS"

set +e
# tee ignores interrupts: it must record the test's cleanup, and ends when the test does.
"$@" 2>&1 | (trap '' INT TERM && exec tee "$LAB_ARTIFACTS/output.log")
rc=${PIPESTATUS[0]}
set -e
if ((rc == 0)); then
  rm -rf "$LAB_ARTIFACTS"
else
  echo "lab: $LAB_TEST failed (exit $rc); evidence kept in $LAB_ARTIFACTS" >&2
fi
exit "$rc"
