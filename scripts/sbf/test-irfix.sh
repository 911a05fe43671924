#!/usr/bin/env bash
# Self-test of this project's additions to the IR rewrite (bpf-ir-fix.py), run on the host with
# LLVM 22's JIT (lli): each test module must compute the same result before and after the
# rewrite, with the argument packing on (IRFIX_PACK_MIN=1) and off (forced inlining).
# Needs llvm-22 (installed by scripts/build-sbf.sh) and python3.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
LLVM_BIN="${LLVM_BIN:-/usr/lib/llvm-22/bin}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
for t in "$HERE"/tests/*.ll; do
  name=$(basename "$t" .ll)
  want=0; "$LLVM_BIN/lli" "$t" || want=$?
  for pack in 1 0; do
    IRFIX_PACK_MIN=$pack python3 "$HERE/bpf-ir-fix.py" "$t" "$tmp/$name.ll" "$tmp/b.txt" 2>"$tmp/log"
    got=0; "$LLVM_BIN/lli" "$tmp/$name.ll" || got=$?
    packed=$(grep -c '%__pk)' "$tmp/$name.ll" || true)
    if [ "$got" != "$want" ] || { [ $pack = 1 ] && [ "$packed" = 0 ]; } || { [ $pack = 0 ] && [ "$packed" != 0 ]; }; then
      echo "FAIL $name (IRFIX_PACK_MIN=$pack): result $got, expected $want, packed functions $packed"; cat "$tmp/log"; fail=1
    else
      echo "ok   $name (IRFIX_PACK_MIN=$pack): result $got"
    fi
  done
done
exit $fail
