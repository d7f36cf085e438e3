#!/usr/bin/env bash
# `bunkatsu check` of one file through several checkouts, alternating them round by round so
# that load drifts on a shared machine hit all alike; wall time, CPU time (user + sys) and peak
# RSS of each process from GNU time. Prints each checkout's min and median.
#
#   bench/compare-check.sh <rounds> <topology file> <checkout> [<checkout> ...]
#
# Each checkout is run as users run it: node <checkout>/bin/bunkatsu.js (its bundle when built).
set -euo pipefail
ROUNDS=$1; FILE=$2; shift 2
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
for _ in $(seq "$ROUNDS"); do
  for i in $(seq $#); do
    tree=${!i}
    /usr/bin/time -f "%e %U %S %M" -o "$WORK/one" node "$tree/bin/bunkatsu.js" check "$FILE" --quiet --today 2026-11-25 --format json >/dev/null || true
    tail -1 "$WORK/one" >>"$WORK/runs.$i"
  done
done
echo "# $(date -u +%FT%TZ) nproc $(nproc) node $(node --version) load $(cut -d' ' -f1-3 /proc/loadavg) file $FILE rounds $ROUNDS"
for i in $(seq $#); do
  node -e '
    const rows = require("node:fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" ").map(Number));
    const med = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
    const wall = rows.map((r) => r[0]), cpu = rows.map((r) => r[1] + r[2]), rss = rows.map((r) => r[3] / 1024);
    console.log(`${process.argv[2]}: wall min ${Math.min(...wall).toFixed(2)} s, median ${med(wall).toFixed(2)} s; cpu min ${Math.min(...cpu).toFixed(2)} s, median ${med(cpu).toFixed(2)} s; peak RSS max ${Math.max(...rss).toFixed(0)} MiB; walls ${wall.join(" ")}`);
  ' "$WORK/runs.$i" "${!i}"
done
