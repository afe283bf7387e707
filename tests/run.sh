#!/usr/bin/env bash
# Runs every test of yishi: Rust unit and integration tests, then the browser
# tests (Debian's Chromium driven by playwright-core), then a small benchmark
# smoke run. Installs what is missing first, so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

need_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} (Debian packages)"
  need_root apt-get update -qq
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v node >/dev/null 2>&1; then
  need_root apt-get update -qq
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

echo "== cargo build --release"
cargo build --release --quiet

echo "== cargo test"
cargo test --quiet 2>&1 | tee /tmp/yishi-cargo-test.log
grep -q "test result: FAILED" /tmp/yishi-cargo-test.log && exit 1

echo "== browser tests"
(
  cd tests/browser
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi
  YISHI_BIN="$PWD/../../target/release/yishi" node --test --test-concurrency=1 2>&1 | tee /tmp/yishi-node-test.log
  exit "${PIPESTATUS[0]}"
)

echo "== benchmark smoke run (small corpus; figures are not judged here)"
bash benches/run.sh --smoke

# One closing line over every suite.
passed=$(grep -oE '[0-9]+ passed;' /tmp/yishi-cargo-test.log | awk '{s+=$1} END {print s+0}')
failed=$(grep -oE '[0-9]+ failed;' /tmp/yishi-cargo-test.log | awk '{s+=$1} END {print s+0}')
node_pass=$(awk '/^# pass/ {print $3}' /tmp/yishi-node-test.log | tail -1)
node_fail=$(awk '/^# fail/ {print $3}' /tmp/yishi-node-test.log | tail -1)
echo "tests: $(( passed + ${node_pass:-0} )) passed, $(( failed + ${node_fail:-0} )) failed"
