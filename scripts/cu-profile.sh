#!/usr/bin/env bash
# Where one instruction's compute units go, function by function, on the SBF binary: relinks
# target/deploy/restaking.so keeping the linker's final module (IRFIX_KEEP), assembles it with
# its symbols, runs bench/cu with a register trace of that one measurement (LiteSVM 0.16,
# p-token) and profiles the trace (scripts/sbf/cu-profile.py).
#
# Usage: scripts/cu-profile.sh <instruction> [top]   e.g. scripts/cu-profile.sh deposit_repeat
#   <instruction> is a name from scripts/cu-report.sh (first column, without @N).
# Needs the toolchain of scripts/build-sbf.sh. Takes ~2 minutes (one relink of the program).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
NAME="${1:?usage: $0 <instruction> [top]}"; TOP="${2:-40}"
export SBF_HOME="${SBF_HOME:-$HOME/.cache/restaking-sbf}"
SBF_TARGET_DIR="${SBF_TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/sbf}"
export SBF_TARGET_DIR SBF_OUT_DIR="${SBF_OUT_DIR:-$ROOT/target/deploy}"
LLVM_BIN=/usr/lib/llvm-22/bin
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT

# 1. relink the program, keeping the stage-2 module (the link is what we need, not a rebuild
#    of the dependencies: drop only the program crate's fingerprint)
rm -rf "$SBF_TARGET_DIR"/bpfel-solana/release/.fingerprint/restaking-*
IRFIX_KEEP="$WORK" "$ROOT/scripts/build-sbf.sh" --no-install >&2

# 2. the same code as assembly with symbols (stage 2 replayed with --emit=asm)
read -r -a opts <"$WORK/stage2-opts.txt" || true   # no trailing newline
keep=()
for ((i = 0; i < ${#opts[@]}; i++)); do
  case "${opts[$i]}" in
    --export-symbols|-L) i=$((i + 1)) ;;   # temporary paths of the original link
    *) keep+=("${opts[$i]}") ;;
  esac
done
"$SBF_HOME/bin/sbpf-linker" "${keep[@]}" --export="$(cat "$WORK/builtins.txt")" --export=entrypoint \
  --fatal-errors=false --emit=asm -o "$WORK/prog.s" "$WORK/fixed.o" >/dev/null 2>&1 || true
[ -s "$WORK/prog.s" ] || { echo "cu-profile: no assembly emitted" >&2; exit 1; }
"$LLVM_BIN/llvm-mc" -triple=bpfel -mcpu=v2 -filetype=obj "$WORK/prog.s" -o "$WORK/prog.o"

# 3. a register trace of that one measurement
unset RUSTC RUSTFLAGS RUSTC_WRAPPER RUSTC_BOOTSTRAP __CARGO_TESTS_ONLY_SRC_ROOT
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}/bench-trace"
(cd "$ROOT/bench/cu" && nice -n 10 cargo build --locked -q --features trace)
SBF_TRACE_DIR="$WORK/trace" CU_TRACE="$NAME" \
  "$CARGO_TARGET_DIR/debug/restaking-cu" --so "$SBF_OUT_DIR/restaking.so" >/dev/null

# 4. profile
python3 "$ROOT/scripts/sbf/cu-profile.py" "$SBF_OUT_DIR/restaking.so" "$WORK/prog.o" \
  "$WORK/trace" RSTKre5fcg7VzgKZBdQfDnp8o1V8AFHbBb9tJQ7ZFbq "$TOP"
