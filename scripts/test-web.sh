#!/usr/bin/env bash
# The wallet frontend (app/web) end to end in a real browser: installs Debian's chromium when
# /usr/bin/chromium is missing, installs the app from its committed lockfile (npm ci), type-checks
# and builds it (npm run build: static files in app/web/dist), then runs the browser journey
# (npm run e2e): it starts a localnet (restaking-cli localnet, a child process, on free ports of
# 127.0.0.1), serves dist/ on 127.0.0.1, drives chromium with playwright-core and an injected
# Wallet Standard test wallet, and saves a screenshot of each step in app/web/screenshots/.
# Ends with one line:
#   web: N passed, M failed
#
# Needs target/deploy/restaking.so (scripts/build-sbf.sh; RESTAKING_SO overrides, relative to the
# repository root) and the CLI binary: $RESTAKING_CLI, else ${CARGO_TARGET_DIR:-target}/debug/
# restaking-cli (built here with cargo when missing). Node >= 20 and npm. Exits non-zero on any
# failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
started=$SECONDS
stamp() { printf '\n==> [%ss] %s\n' "$((SECONDS - started))" "$*"; }

so="${RESTAKING_SO:-target/deploy/restaking.so}"
if [[ ! -f "$so" ]]; then
  echo "test-web: $so missing (scripts/build-sbf.sh builds it)" >&2
  exit 1
fi

if [[ ! -x /usr/bin/chromium ]]; then
  stamp "installing chromium (Debian package)"
  sudo_cmd=()
  [[ "$(id -u)" -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version

cli="${RESTAKING_CLI:-${CARGO_TARGET_DIR:-$root/target}/debug/restaking-cli}"
if [[ ! -x "$cli" ]]; then
  stamp "building restaking-cli (cargo build -p restaking-cli)"
  cargo build --locked -q -p restaking-cli
fi
export RESTAKING_CLI="$cli"

cd app/web
stamp "npm ci (app/web)"
t0=$SECONDS
npm ci --no-audit --no-fund
npm_ci_secs=$((SECONDS - t0))

stamp "npm run build (tsc, vite build)"
t0=$SECONDS
npm run build
build_secs=$((SECONDS - t0))

stamp "browser journey (npm run e2e)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
t0=$SECONDS
set +e
npm run e2e 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
journey_secs=$((SECONDS - t0))

# node's test runner closes with "ℹ pass N" / "ℹ fail M" (spec reporter); skipped steps (after a
# failure) count as failed here.
count() { grep -E "^(ℹ|#) $1 [0-9]+\$" "$log" | tail -n 1 | awk '{print $3}'; }
passed="$(count pass)"
failed="$(count fail)"
skipped="$(count skipped)"
if [[ -z "$passed" || -z "$failed" ]]; then
  echo "web: the test runner printed no summary" >&2
  echo "web: 0 passed, 1 failed"
  exit 1
fi
failed=$((failed + ${skipped:-0}))
echo "timings: npm ci ${npm_ci_secs}s, build ${build_secs}s, journey ${journey_secs}s; screenshots in app/web/screenshots/"
echo "web: ${passed} passed, ${failed} failed"
if [[ "$status" -ne 0 || "$failed" -ne 0 ]]; then
  exit 1
fi
