#!/usr/bin/env bash
# Builds the on-chain programs: target/deploy/restaking.so and the reference lender
# target/deploy/restaking_lender.so (sBPF v0), in one cargo invocation; then the real SPL
# stake-pool program, target/deploy/spl_stake_pool.so (spl-stake-pool 2.2.0 from its registry
# source, for the tests, the demo and the localnet that stake SOL into a real stake pool).
#
# Official path (machines with the Solana CLI / platform-tools and Anchor 1.2.2 installed):
#     anchor build            # -> target/deploy/restaking.so + target/idl/restaking.json
#     (equivalently: cargo build-sbf --manifest-path programs/restaking/Cargo.toml, and the
#     same for programs/lender/Cargo.toml -> target/deploy/restaking_lender.so)
# That installer downloads a prebuilt compiler from outside the package registries, so it
# cannot run on our CI or on a fresh Debian 12 machine. This script is the registry-only path:
#   - Debian 12 (bookworm-security) packages: rustc-web/cargo-web 1.96 (LLVM 22), their library
#     sources (for -Zbuild-std=std) and llvm-22(-dev);
#   - sbpf-linker 0.2.6 from crates.io, built against Debian's LLVM 22;
#   - the support files in scripts/sbf/ (custom target, rustc wrapper, two-stage IR-fixing
#     linker, std patch), adapted from the shared sbf-toolchain recipe and owned by this repo.
# Its binary is not byte-identical to an official build (see scripts/sbf/README.md for the
# known limits); compute-unit figures are indicative and comparable run to run.
#
# The stake-pool program is built the same way (same environment, RUSTFLAGS, target and
# build-std; only the support files in scripts/sbf/): its .crate is put in cargo's registry
# cache (`cargo info`, registry access only), unpacked under $SBF_TARGET_DIR/spl-stake-pool/
# (never committed), its [[test]] and [dev-dependencies*] sections removed and `[workspace]`
# appended, its shipped Cargo.lock kept. Rebuilt only when its stamp (crate version, rustc,
# sbpf-linker, flags, support files) changes (cold: 151 s on 2 cores from an empty cargo home,
# downloads included; the binary is byte-identical run to run).
#
# Usage: scripts/build-sbf.sh [--install-only|--no-install|--stake-pool-only]
#   --stake-pool-only   only spl_stake_pool.so (toolchain already installed)
# Environment:
#   SBF_HOME        toolchain cache (default $HOME/.cache/restaking-sbf): sbpf-linker and the
#                   patched std sources. Installing needs root (or sudo) for apt-get.
#   SBF_TARGET_DIR  cargo target dir of the SBF build (default ${CARGO_TARGET_DIR:-target}/sbf;
#                   never target/debug, so host and SBF builds do not evict each other)
#   SBF_OUT_DIR     where restaking.so, restaking_lender.so and spl_stake_pool.so land
#                   (default target/deploy)
#   SBF_ARCH        v0 (default) or v3
#   SBF_INLINE_THRESHOLD  LLVM -inline-threshold at link time (default 5000; lower it if the
#                   link fails with "Branch target out of insn range")
#   SBF_STAKE_POOL  0 skips the stake-pool program (default 1)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SBF_FILES="$ROOT/scripts/sbf"
export SBF_HOME="${SBF_HOME:-$HOME/.cache/restaking-sbf}"
SBF_ARCH="${SBF_ARCH:-v0}"
SBF_TARGET_DIR="${SBF_TARGET_DIR:-${CARGO_TARGET_DIR:-$ROOT/target}/sbf}"
SBF_OUT_DIR="${SBF_OUT_DIR:-$ROOT/target/deploy}"
SBF_INLINE_THRESHOLD="${SBF_INLINE_THRESHOLD:-5000}"
SBPF_LINKER_VERSION=0.2.6
STAKE_POOL_VERSION=2.2.0
MODE="${1:-all}"

ts() { date +%s; }
T0=$(ts)
say() { printf '[build-sbf %4ss] %s\n' "$(( $(ts) - T0 ))" "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else echo "build-sbf: need root (or sudo) to run: $*" >&2; exit 1; fi
}

# ---- 1. toolchain ---------------------------------------------------------------------
APT_PKGS=(rustc-web cargo-web rust-web-src libstd-rust-web-dev-bpf llvm-22 llvm-22-dev)
install_toolchain() {
  mkdir -p "$SBF_HOME/bin"
  local need_apt=0
  dpkg -s "${APT_PKGS[@]}" >/dev/null 2>&1 || need_apt=1
  /usr/bin/rustc -vV 2>/dev/null | grep -q "LLVM version: 22" || need_apt=1
  command -v python3 >/dev/null 2>&1 || need_apt=1
  command -v cc >/dev/null 2>&1 || need_apt=1
  if [ $need_apt = 1 ]; then
    say "apt-get: ${APT_PKGS[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # a third-party source that is unreachable must not stop us: the packages come from
    # Debian's bookworm-security, which `install` below checks for
    as_root apt-get update -qq || echo "build-sbf: apt-get update reported errors; continuing" >&2
    # rustc-web/cargo-web 1.96 (LLVM 22), its prebuilt bpfel core/alloc, its library sources
    # (for -Zbuild-std), LLVM 22 tools + dev files (sbpf-linker links libLLVM-22); python3
    # runs the IR rewrite; gcc/libc6-dev build sbpf-linker's C parts.
    as_root apt-get install -y -qq --no-install-recommends "${APT_PKGS[@]}" \
      python3 gcc libc6-dev ca-certificates >/dev/null
  fi
  /usr/bin/rustc -vV | grep -q "LLVM version: 22" || {
    echo "build-sbf: /usr/bin/rustc is not rustc-web 1.96 with LLVM 22:" >&2; /usr/bin/rustc -vV >&2; exit 1; }

  local have; have="$("$SBF_HOME/bin/sbpf-linker" --version 2>/dev/null || true)"
  if ! grep -q "LLVM 22" <<<"$have"; then
    say "cargo install sbpf-linker $SBPF_LINKER_VERSION (LLVM 22)"
    # host cargo: rustup's if present, else Debian's
    local host_cargo; host_cargo="$(command -v cargo || echo /usr/bin/cargo)"
    (cd "$SBF_HOME" && env -u RUSTC -u RUSTFLAGS -u RUSTC_WRAPPER -u CARGO_BUILD_TARGET \
      LLVM_PREFIX=/usr/lib/llvm-22 CARGO_TARGET_DIR="$SBF_HOME/cargo-install-target" \
      nice -n 10 "$host_cargo" install sbpf-linker --version "$SBPF_LINKER_VERSION" --locked \
        --no-default-features --features bpf-linker/llvm-22 --root "$SBF_HOME")
    rm -rf "$SBF_HOME/cargo-install-target"
  fi

  # std sources patched for the bpf target; re-patched when rustc or the patch changes
  local stamp
  stamp="$(/usr/bin/rustc -vV | sed -n 's/^release: //p') $(sha256sum "$SBF_FILES/patch-std-for-bpf.py" | cut -c1-16)"
  if [ "$(cat "$SBF_HOME/rust-src/.patched" 2>/dev/null)" != "$stamp" ]; then
    say "patching std sources into $SBF_HOME/rust-src"
    rm -rf "$SBF_HOME/rust-src"; mkdir -p "$SBF_HOME/rust-src"
    cp -a /usr/lib/rustlib/src/rust/library "$SBF_HOME/rust-src/"
    python3 "$SBF_FILES/patch-std-for-bpf.py" "$SBF_HOME/rust-src/library" >/dev/null
    echo "$stamp" >"$SBF_HOME/rust-src/.patched"
  fi
  say "toolchain ready: $("$SBF_HOME/bin/sbpf-linker" --version | sed -n 1p), $(/usr/bin/rustc --version)"
}

# ---- 2. programs ----------------------------------------------------------------------
# The SBF build environment, shared by our programs and the stake-pool program.
sbf_env() {
  local cpu v3args=""
  case "$SBF_ARCH" in
    v0) cpu=v2 ;;
    v3) cpu=v4; v3args="-C link-arg=--llvm-args=--disable-bswap -C link-arg=--llvm-args=--disable-sdiv-smod -C link-arg=--llvm-args=--disable-gotox" ;;
    *) echo "SBF_ARCH must be v0 or v3" >&2; exit 2 ;;
  esac
  # nothing from a host build environment may leak into the SBF build
  unset CARGO_BUILD_TARGET CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS RUSTDOCFLAGS
  unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS   # scripts/test.sh lints host builds with clippy-driver
  export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1
  export SBPF_LINKER="$SBF_HOME/bin/sbpf-linker"
  export RUSTC_WRAPPER="$SBF_FILES/rustc-bpf-wrapper"             # feature(restricted_std) on our crates
  export __CARGO_TESTS_ONLY_SRC_ROOT="$SBF_HOME/rust-src/library"  # build-std from the patched sources
  export CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
         CARGO_PROFILE_RELEASE_PANIC=immediate-abort
  export RUSTFLAGS="-C linker=$SBF_FILES/sbpf-linker-irfix -C target-cpu=$cpu \
 -C target-feature=+allows-misaligned-mem-access -C link-arg=--arch=$SBF_ARCH \
 -C link-arg=--disable-math-builtins -C link-arg=--llvm-args=--bpf-stack-size=4096 \
 -C link-arg=--llvm-args=--disable-movsx -C link-arg=--llvm-args=--disable-ldsx $v3args \
 -C link-arg=--llvm-args=-inline-threshold=$SBF_INLINE_THRESHOLD"
}

# sanity: an SBF ELF (machine 247 = EM_BPF / 263 = EM_SBPF) with an entrypoint
check_sbf_elf() {
  python3 - "$1" <<'EOF'
import struct, sys
b = open(sys.argv[1], 'rb').read()
assert b[:4] == b'\x7fELF', 'not an ELF'
machine, = struct.unpack_from('<H', b, 18)
assert machine in (247, 263), f'unexpected e_machine {machine}'
assert b'entrypoint' in b, 'no entrypoint symbol'
EOF
}

build_program() {
  sbf_env
  say "cargo build -p restaking -p restaking-lender ($SBF_ARCH) -> $SBF_TARGET_DIR"
  # one invocation for both programs: they share every dependency build (and its cache)
  (cd "$ROOT" && nice -n 10 /usr/bin/cargo build --locked -p restaking -p restaking-lender \
    --release --lib --target "$SBF_FILES/bpfel-solana.json" -Zjson-target-spec \
    -Zbuild-std=std,panic_abort -Zbuild-std-features=compiler-builtins-mem -Zpanic-immediate-abort \
    --target-dir "$SBF_TARGET_DIR")
  mkdir -p "$SBF_OUT_DIR"
  local name
  for name in restaking restaking_lender; do
    cp "$SBF_TARGET_DIR/bpfel-solana/release/lib$name.so" "$SBF_OUT_DIR/$name.so"
    check_sbf_elf "$SBF_OUT_DIR/$name.so"
    say "built $SBF_OUT_DIR/$name.so ($(stat -c %s "$SBF_OUT_DIR/$name.so") bytes)"
  done
}

# ---- 3. the SPL stake-pool program ------------------------------------------------------
build_stake_pool() {
  [ "${SBF_STAKE_POOL:-1}" != 0 ] || { say "SBF_STAKE_POOL=0: skipping spl_stake_pool.so"; return; }
  local started; started=$(ts)
  sbf_env
  local work="$SBF_TARGET_DIR/spl-stake-pool"
  local src="$work/src/spl-stake-pool-$STAKE_POOL_VERSION"
  local built="$work/target/bpfel-solana/release/libspl_stake_pool.so"
  local out="$SBF_OUT_DIR/spl_stake_pool.so"
  # what the binary depends on besides the crate's own (pinned) sources
  local stamp
  stamp="spl-stake-pool $STAKE_POOL_VERSION; $(/usr/bin/rustc -vV | sed -n 's/^release: //p'); \
$("$SBPF_LINKER" --version | sed -n 1p); $RUSTFLAGS; \
lto=$CARGO_PROFILE_RELEASE_LTO cgu=$CARGO_PROFILE_RELEASE_CODEGEN_UNITS panic=$CARGO_PROFILE_RELEASE_PANIC; \
$(cat "$SBF_FILES"/bpfel-solana.json "$SBF_FILES"/rustc-bpf-wrapper "$SBF_FILES"/sbpf-linker-irfix \
      "$SBF_FILES"/bpf-ir-fix.py "$SBF_FILES"/patch-std-for-bpf.py | sha256sum | cut -c1-16)"
  mkdir -p "$SBF_OUT_DIR"
  if [ -f "$built" ] && [ "$(cat "$work/stamp" 2>/dev/null)" = "$stamp" ]; then
    cmp -s "$built" "$out" || cp "$built" "$out"
    say "spl_stake_pool.so $STAKE_POOL_VERSION up to date ($(stat -c %s "$out") bytes)"
    return
  fi

  # the .crate, from cargo's registry cache (put there by the registry client if absent)
  local cache="${CARGO_HOME:-$HOME/.cargo}/registry/cache" crate
  crate="$(ls -t "$cache"/*/"spl-stake-pool-$STAKE_POOL_VERSION.crate" 2>/dev/null | head -n 1 || true)"
  if [ -z "$crate" ]; then
    say "cargo info spl-stake-pool@$STAKE_POOL_VERSION (puts the .crate in the registry cache)"
    # from an empty directory, so no workspace or lockfile of ours is consulted
    local empty; empty="$(mktemp -d)"
    (cd "$empty" && /usr/bin/cargo info -q "spl-stake-pool@$STAKE_POOL_VERSION" >/dev/null)
    rmdir "$empty"
    crate="$(ls -t "$cache"/*/"spl-stake-pool-$STAKE_POOL_VERSION.crate" 2>/dev/null | head -n 1 || true)"
    [ -n "$crate" ] || { echo "build-sbf: spl-stake-pool-$STAKE_POOL_VERSION.crate not in $cache" >&2; exit 1; }
  fi
  rm -rf "$work/src"; mkdir -p "$work/src"
  tar -xzf "$crate" -C "$work/src"
  # a standalone package: no test targets, no dev-dependencies (solana-program-test and the
  # validator stack), its own workspace; the shipped Cargo.lock pins everything else
  python3 - "$src/Cargo.toml" <<'EOF'
import re, sys
path = sys.argv[1]
out, keep = [], True
for line in open(path).read().splitlines():
    header = re.match(r'^\s*\[\[?([^\]]+)\]\]?\s*(#.*)?$', line)
    if header:
        name = header.group(1).strip()
        keep = not (line.lstrip().startswith('[[test]]')
                    or re.match(r'^(target\..+\.)?dev-dependencies(\.|$)', name))
    if keep:
        out.append(line)
text = '\n'.join(out).rstrip() + '\n\n[workspace]\n'
assert 'dev-dependencies' not in text and '[[test]]' not in text
open(path, 'w').write(text)
EOF
  [ -f "$src/Cargo.lock" ] || { echo "build-sbf: the crate ships no Cargo.lock" >&2; exit 1; }

  say "cargo build spl-stake-pool $STAKE_POOL_VERSION ($SBF_ARCH) -> $work/target"
  # not --locked: dropping the dev-dependencies prunes the lockfile; every remaining
  # dependency keeps its shipped version
  (cd "$src" && nice -n 10 /usr/bin/cargo build --release --lib \
    --target "$SBF_FILES/bpfel-solana.json" -Zjson-target-spec \
    -Zbuild-std=std,panic_abort -Zbuild-std-features=compiler-builtins-mem -Zpanic-immediate-abort \
    --target-dir "$work/target")
  check_sbf_elf "$built"
  cp "$built" "$out"
  echo "$stamp" >"$work/stamp"
  say "built $out ($(stat -c %s "$out") bytes) in $(( $(ts) - started )) s"
}

case "$MODE" in
  all) install_toolchain; build_program; build_stake_pool ;;
  --install-only) install_toolchain ;;
  --no-install) build_program; build_stake_pool ;;
  --stake-pool-only) build_stake_pool ;;
  *) echo "usage: $0 [--install-only|--no-install|--stake-pool-only]" >&2; exit 2 ;;
esac
say "done"
