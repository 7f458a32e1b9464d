#!/usr/bin/env bash
# Profiling benchmark: `netlearn profile` on a 1,000,000-row x 20-column CSV, and a minimal pandas profile of the same
# file (bench/profile/peer_profile.py) in the same run. Prints wall and CPU seconds, peak memory and the ratio.
# Usage: flock /tmp/netlearn-bench.lock bench/profile/run.sh [FILE.csv]
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-/tmp/netlearn-profile-1m.csv}
[ -f "$data" ] || /usr/bin/python3 bench/profile/make_profile_data.py "$data"
build=$(mktemp -d)
out=$(mktemp -d)
trap 'rm -rf "$build" "$out"' EXIT
dotnet build -c Release src/NetLearn.Cli -o "$build" >/dev/null
/usr/bin/time -f "%e %U %S %M" -o "$out/ours" dotnet "$build/netlearn.dll" profile --data "$data" --target target --out "$out/report" --json > "$out/json"
/usr/bin/time -f "%e %U %S %M" -o "$out/peer" /usr/bin/python3 bench/profile/peer_profile.py "$data" > "$out/peer-seconds"
read -r ow ou os om < "$out/ours"
read -r pw pu ps pm < "$out/peer"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "%-44s %8s %8s %10s\n" "run" "wall s" "CPU s" "peak MiB"
awk -v ow="$ow" -v ou="$ou" -v os="$os" -v om="$om" -v pw="$pw" -v pu="$pu" -v ps="$ps" -v pm="$pm" 'BEGIN {
  printf "%-44s %8.1f %8.1f %10.0f\n", "netlearn profile (stats + charts + HTML)", ow, ou + os, om / 1024
  printf "%-44s %8.1f %8.1f %10.0f\n", "pandas minimal profile (stats only)", pw, pu + ps, pm / 1024
  printf "ratio pandas / netlearn: wall %.2fx, CPU %.2fx\n", pw / ow, (pu + ps) / (ou + os)
}'
grep -o '"seconds":[0-9.]*' "$out/json" | sed 's/"seconds":/netlearn statistics pass (seconds reported by the command): /'
