#!/usr/bin/env bash
# The wallet frontend (app/web) end to end in a real browser: installs Debian's chromium when
# /usr/bin/chromium is missing, installs the app from its committed lockfile (npm ci), type-checks
# and builds it (npm run build: static files in app/web/dist), type-checks and runs the unit tests
# (npm test), then runs the browser journey
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

stamp "type-check the tests (tsc -p tsconfig.node.json)"
npx tsc --noEmit -p tsconfig.node.json

# node's test runner closes with "ℹ pass N" / "ℹ fail M" (spec reporter).
count() { grep -E "^(ℹ|#) $2 [0-9]+\$" "$1" | tail -n 1 | awk '{print $3}'; }
unit_log="$(mktemp)"
e2e_log="$(mktemp)"
trap 'rm -f "$unit_log" "$e2e_log"' EXIT

stamp "unit tests (npm test)"
set +e
npm test 2>&1 | tee "$unit_log"
unit_status=${PIPESTATUS[0]}
set -e

stamp "browser journey (npm run e2e)"
t0=$SECONDS
set +e
npm run e2e 2>&1 | tee "$e2e_log"
status=${PIPESTATUS[0]}
set -e
journey_secs=$((SECONDS - t0))

passed=0
failed=0
for log in "$unit_log" "$e2e_log"; do
  p="$(count "$log" pass)"
  f="$(count "$log" fail)"
  s="$(count "$log" skipped)"
  if [[ -z "$p" || -z "$f" ]]; then
    echo "web: a test runner printed no summary" >&2
    f=1
    p=0
  fi
  # a journey step skipped after an earlier failure counts as failed
  passed=$((passed + p))
  failed=$((failed + f + ${s:-0}))
done
echo "timings: npm ci ${npm_ci_secs}s, build ${build_secs}s, journey ${journey_secs}s; screenshots in app/web/screenshots/"
echo "web: ${passed} passed, ${failed} failed"
if [[ "$unit_status" -ne 0 || "$status" -ne 0 || "$failed" -ne 0 ]]; then
  exit 1
fi
