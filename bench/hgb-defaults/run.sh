#!/bin/bash
# Do NetLearn's gradient-boosting defaults (decisions 30-31 of issue 3: one-vs-rest categorical splits below 50,000
# rows, Friedman's K/(K-1) multiclass step) do better or worse than scikit-learn's algorithm on other data?
# 5-fold CV repeated 4 times (same folds for every configuration), accuracy and log loss / R².
#   bench/heavy dotnet build -c Release src/NetLearn.Cli
#   bench/hgb-defaults/run.sh [OUT_DIR] [DATASET ...]      (accuracy only: no lock needed; ~25 min on 2 cores)
#   /usr/bin/python3 bench/hgb-defaults/compare.py OUT_DIR/results
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-/tmp/netlearn-hgb-defaults}"; shift || true
mkdir -p "$out/data" "$out/results"
netlearn=(dotnet "$root/src/NetLearn.Cli/bin/Release/net10.0/netlearn.dll")
/usr/bin/python3 "$root/bench/hgb-defaults/make_data.py" "$out/data"
for d in iris wine digits; do "${netlearn[@]}" datasets export $d --out "$out/data/$d.csv" > /dev/null; done

# name file target model extra-settings
cases=(
  "iris|iris.csv|target|classifier|"
  "wine|wine.csv|target|classifier|"
  "penguins|penguins.csv|Species|classifier|"
  "seattle|seattle.csv|weather|classifier|"
  "synth4|synth4.csv|target|classifier|"
  "birdstrikes|birdstrikes.csv|Effect Amount of damage|classifier|"
  "digits|digits.csv|target|classifier|"
  "synth6|synth6.csv|target|classifier|"
  "synth6es|synth6.csv|target|classifier|early_stopping=auto"
  "synth6i300|synth6.csv|target|classifier|max_iter=300"
  "seattle_temp|seattle.csv|temp_max|regressor|"
  "birdspeed|birdspeed.csv|Speed IAS in knots|regressor|"
)
for c in "${cases[@]}"; do
  IFS='|' read -r name file target kind extra <<< "$c"
  if [ $# -gt 0 ] && [[ ! " $* " =~ " $name " ]]; then continue; fi
  base=(--set random_state=0)
  if [ -z "$extra" ]; then base+=(--set early_stopping=false); elif [ "$extra" = "max_iter=300" ]; then base+=(--set early_stopping=false --set "$extra"); fi
  scoring=accuracy,neg_log_loss; [ "$kind" = regressor ] && scoring=r2
  declare -A configs=([sk]="categorical_split=partition scale_multiclass_step=false" [new]="" [hf]="categorical_split=partition" [ovr]="scale_multiclass_step=false")
  [ "$kind" = regressor ] && configs=([sk]="categorical_split=partition" [new]="")
  [[ "$name" == synth6* ]] && configs=([sk]="scale_multiclass_step=false" [new]="")   # no categories: hf = new, ovr = sk
  for config in "${!configs[@]}"; do
    sets=(); for s in ${configs[$config]}; do sets+=(--set "$s"); done
    "${netlearn[@]}" cv --data "$out/data/$file" --target "$target" --model "hist-gradient-boosting-$kind" \
      --folds 5 --repeats 4 --seed 0 --scoring $scoring "${base[@]}" "${sets[@]}" --json > "$out/results/$name.$config.json"
  done
done
echo "results in $out/results; compare with: /usr/bin/python3 $root/bench/hgb-defaults/compare.py $out/results"
