#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Replaces what README.md holds between the lines "<!-- NAME:begin -->" and
# "<!-- NAME:end -->" with the contents of FILE (an absolute path).
# Usage: scripts/readme-section.sh NAME FILE
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1
file=$2
begin="<!-- $name:begin -->"
end="<!-- $name:end -->"
if ! grep -qxF "$begin" README.md || ! grep -qxF "$end" README.md; then
    echo "README.md lacks the $name markers" >&2
    exit 1
fi
awk -v begin="$begin" -v end="$end" -v file="$file" '
    $0 == begin { print; while ((getline line < file) > 0) print line; skipping = 1; next }
    $0 == end   { skipping = 0 }
    !skipping   { print }
' README.md > README.md.new
mv README.md.new README.md
