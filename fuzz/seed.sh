#!/bin/sh
# Build the seed corpora of the fuzz targets from the bundled rule files, the example
# data and the malformed-input corpus of the tests. Run from anywhere:
#   sh fuzz/seed.sh
# then, one target at a time (libFuzzer needs a nightly compiler, or RUSTC_BOOTSTRAP=1):
#   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run rules -- -max_total_time=600
#   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run data  -- -max_total_time=600
#   cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run eval  -- -max_total_time=600
# Crashes land in fuzz/artifacts/TARGET/; copy each into tests/fuzz_regressions/ (see fuzz/README.md).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
corpus="$here/corpus"
mkdir -p "$corpus/rules" "$corpus/data" "$corpus/eval"

n=0
for f in "$root"/rules/*.rules "$root"/tests/malformed/rules/*.rules "$root"/tests/fuzz_regressions/*.rules; do
  [ -f "$f" ] || continue
  cp "$f" "$corpus/rules/$(basename "$f")"
  n=$((n + 1))
done
echo "rules: $n seeds"

# The data target reads the first byte as the format: 0 = CSV text, 1 = CSV file
# (BOM/GB18030 paths), 2 = TOML, 3 = JSON.
n=0
for f in "$root"/examples/*.csv "$root"/tests/malformed/data/*.csv "$root"/tests/fuzz_regressions/*.csv; do
  [ -f "$f" ] || continue
  b=$(basename "$f" .csv)
  { printf '\000'; cat "$f"; } > "$corpus/data/$b.text.csv"
  { printf '\001'; cat "$f"; } > "$corpus/data/$b.file.csv"
  n=$((n + 2))
done
for f in "$root"/tests/malformed/data/*.toml; do
  [ -f "$f" ] || continue
  { printf '\002'; cat "$f"; } > "$corpus/data/$(basename "$f")"
  n=$((n + 1))
done
for f in "$root"/tests/malformed/data/*.json; do
  [ -f "$f" ] || continue
  { printf '\003'; cat "$f"; } > "$corpus/data/$(basename "$f")"
  n=$((n + 1))
done
echo "data: $n seeds"

# The eval target reads rule text, a line `%%%%`, then CSV.
n=0
for r in "$root"/rules/*.rules; do
  for d in "$root"/examples/*.csv; do
    out="$corpus/eval/$(basename "$r" .rules)__$(basename "$d" .csv)"
    { cat "$r"; printf '\n%%%%%%%%\n'; cat "$d"; } > "$out"
    n=$((n + 1))
  done
done
for f in "$root"/tests/fuzz_regressions/*.eval; do
  [ -f "$f" ] || continue
  cp "$f" "$corpus/eval/$(basename "$f")"
  n=$((n + 1))
done
echo "eval: $n seeds"
