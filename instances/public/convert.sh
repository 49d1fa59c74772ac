#!/bin/sh
# Convert the public benchmark sets into hemplan instances (see instances/README.md).
# Usage: instances/public/convert.sh PUBLIC_DIR [OUT_DIR]: PUBLIC_DIR holds the sets' folders (see
# instances/README.md), OUT_DIR defaults to instances/public/all. The files committed next to this
# script are five of these, renamed.
set -e
if [ -z "$1" ] || [ ! -d "$1" ]; then echo "usage: $0 PUBLIC_DIR [OUT_DIR]: PUBLIC_DIR must be the folder of the public sets" >&2; exit 2; fi
SRC=$1
OUT=${2:-instances/public/all}
mkdir -p "$OUT"
for f in "$SRC"/solomon-vrptw-100/*.vrptw; do n=$(basename "$f"); hemplan convert solomon "$f" -o "$OUT/solomon-${n%%.*}.json" >/dev/null; done
for f in "$SRC"/mankowska2014-hhcrsp/*__*.txt; do n=$(basename "$f"); hemplan convert mankowska "$f" -o "$OUT/mankowska-${n%%__*}.json" >/dev/null; done
for f in "$SRC"/convrp-groer2009-kovacs2014/*.vrp "$SRC"/convrp-groer2009-kovacs2014/Christofides_*.txt; do n=$(basename "$f"); hemplan convert convrp "$f" -o "$OUT/convrp-${n%.*}.json" >/dev/null; done
for f in "$SRC"/hosseini-stochastic-con-hhcrsp/case*/*.txt; do c=$(basename "$(dirname "$f")"); n=$(basename "$f" .txt); hemplan convert hosseini "$f" -o "$OUT/hosseini-$c-$n.json" >/dev/null; done
for f in "$SRC"/uhhc-ceschia2026/validation/i-*.json "$SRC"/uhhc-ceschia2026/italian/*.json; do n=$(basename "$f" .json); hemplan convert uhhc "$f" -o "$OUT/uhhc-${n%%-r*}.json" >/dev/null; done
echo "converted into $OUT: $(ls "$OUT" | grep -vc matrix) instances"
