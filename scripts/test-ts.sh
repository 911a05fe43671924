#!/usr/bin/env bash
# The TypeScript client (app/client-ts): installs from the committed lockfile, checks that the
# Codama-generated client matches idl/restaking.json, type-checks strictly (migrations/deploy.ts
# too), and runs the client tests against the real binary target/deploy/restaking.so in LiteSVM
# (override with RESTAKING_SO, relative to the repository root), then over JSON-RPC against
# `restaking-cli localnet` child processes (the binary: $RESTAKING_CLI, else
# ${CARGO_TARGET_DIR:-target}/debug/restaking-cli; those tests skip, saying so, when it is
# missing, or fail with RESTAKING_LOCALNET_REQUIRED=1). Ends with one line:
#   ts-client: N passed, M failed
# Needs Node >= 20 and npm; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ ! -f "${RESTAKING_SO:-target/deploy/restaking.so}" ]]; then
  echo "test-ts: ${RESTAKING_SO:-target/deploy/restaking.so} missing (scripts/build-sbf.sh builds it)" >&2
  exit 1
fi

cd app/client-ts
npm ci --no-audit --no-fund
npm run check-generated
npm run build

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
npm test 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# node's test runner closes with its own counts: "ℹ pass N" / "ℹ fail M" (spec reporter) or
# "# pass N" / "# fail M" (TAP).
count() { grep -E "^(ℹ|#) $1 [0-9]+\$" "$log" | tail -n 1 | awk '{print $3}'; }
passed="$(count pass)"
failed="$(count fail)"
if [[ -z "$passed" || -z "$failed" ]]; then
  echo "ts-client: the test runner printed no summary" >&2
  exit 1
fi
echo "ts-client: ${passed} passed, ${failed} failed"
if [[ "$status" -ne 0 || "$failed" -ne 0 ]]; then
  exit 1
fi
