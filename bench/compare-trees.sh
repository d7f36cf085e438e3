#!/usr/bin/env bash
# Before/after on one machine in one run: alternates two checkouts of bunkatsu on the same
# generated inputs (check of city and metro, dataplane of city, the Stanford replay), so that
# load drifts hit both alike. Prints one line per run and the medians.
#
#   bench/compare-trees.sh /path/to/before /path/to/after [rounds]
#
# Each checkout needs node_modules (npm ci, or a link to one) and ../shared beside it for the
# replay; both are built first (npm run build), so both run their bundle as users do.
set -euo pipefail
BEFORE=$(cd "$1" && pwd); AFTER=$(cd "$2" && pwd); ROUNDS=${3:-5}
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
STANFORD="$AFTER/../shared/datasets/stanford-backbone"
for tree in "$BEFORE" "$AFTER"; do (cd "$tree" && npm run build --silent); done
(cd "$AFTER" && node bin/bunkatsu.js generate --scale city -o "$WORK/city.json" >/dev/null 2>&1 \
  && node bin/bunkatsu.js generate --scale metro -o "$WORK/metro.json" >/dev/null 2>&1)
run() { # label tree command...
  local label=$1 tree=$2; shift 2
  local start end
  start=$(date +%s%N)
  (cd "$tree" && "$@" >/dev/null 2>&1) || true
  end=$(date +%s%N)
  echo "$label $([ "$tree" = "$BEFORE" ] && echo before || echo after) $(((end - start) / 1000000))" | tee -a "$WORK/runs"
}
echo "# $(date -u +%FT%TZ) nproc $(nproc) node $(node --version) load $(cut -d' ' -f1-3 /proc/loadavg)"
for _ in $(seq "$ROUNDS"); do
  for tree in "$BEFORE" "$AFTER"; do
    run city-check "$tree" node bin/bunkatsu.js check "$WORK/city.json" --quiet --format json --today 2026-11-25
    run metro-check "$tree" node bin/bunkatsu.js check "$WORK/metro.json" --quiet --format json --today 2026-11-25
    run city-dataplane "$tree" node bin/bunkatsu.js dataplane "$WORK/city.json" --format json
    [ -d "$STANFORD" ] && run replay "$tree" node bin/bunkatsu.js replay "$STANFORD" --quiet --format json
  done
done
echo "# medians (ms), load now $(cut -d' ' -f1-3 /proc/loadavg)"
for key in $(awk '{print $1":"$2}' "$WORK/runs" | sort -u); do
  values=$(awk -v k="$key" '$1":"$2 == k {print $3}' "$WORK/runs" | sort -n | tr '\n' ' ')
  echo "$key median $(echo "$values" | awk '{n=NF; print (n % 2 ? $((n+1)/2) : ($(n/2) + $(n/2+1)) / 2)}') ms of: $values"
done
