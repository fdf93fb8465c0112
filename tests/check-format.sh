#!/usr/bin/env bash
# Fails when a project C++ file is not formatted per .clang-format; lists the files to fix.
# Fix with: clang-format -i FILE...
set -euo pipefail
root=${1:-$(dirname "$0")/..}
cd "$root"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cc' '*.h' '*.cpp' '*.hpp')
else
  mapfile -t files < <(find proto shared sqlite server mobile tests -name '*.cc' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp')
fi
bad=()
for f in "${files[@]}"; do
  [ -f "$f" ] || continue
  clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "not formatted per .clang-format (run clang-format -i on them):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "format: ${#files[@]} files checked, all formatted"
