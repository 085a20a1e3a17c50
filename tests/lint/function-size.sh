#!/usr/bin/env bash
# Functions short enough to read at once: fails when a function of core/, guard/, system/,
# cli/ or generator/ (its .cc and .h files) is over MAX lines, from the line that names it to
# its closing brace. Universal Ctags finds them.
# Usage: function-size.sh SOURCE_DIR [MAX]
set -euo pipefail
src=${1:?usage: function-size.sh SOURCE_DIR [MAX]} max=${2:-60}
ctags=$(command -v ctags-universal || command -v ctags) ||
  { echo "function-size: ctags not found (tools/install-deps.sh installs it)" >&2; exit 1; }
# Exuberant Ctags (EL 8's ctags) gives no end lines.
[[ $("$ctags" --version) == "Universal Ctags"* ]] ||
  { echo "function-size: $ctags is not Universal Ctags (Debian: universal-ctags)" >&2; exit 1; }

cd "$src"
find core guard system cli generator -name '*.cc' -o -name '*.h' | LC_ALL=C sort |
  "$ctags" -L - --language-force=C++ --kinds-c++=f --fields=+ne --sort=no -o - |
  awk -F'\t' -v max="$max" '
    {
      start = end = 0
      key = $1
      for (i = 4; i <= NF; i++) {
        if ($i ~ /^line:/) start = substr($i, 6)
        if ($i ~ /^end:/) end = substr($i, 5)
        if ($i ~ /^(class|struct):/) { n = split($i, scope, "::"); key = scope[n] "::" $1; sub(/^[a-z]+:/, "", key) }
      }
      size = end - start + 1
      if (end == 0 || size <= max) next
      printf "%s:%d: %s: %d lines, over %d\n", $2, start, key, size, max
      over++
    }
    END {
      if (over) { printf "function-size: %d function(s) over %d lines: split them\n", over, max; exit 1 }
    }'
