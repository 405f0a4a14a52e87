#!/usr/bin/env bash
# Times a commit against the working tree in one process (see bench/Recur.AB/Program.cs), e.g.
#   bench/ab.sh ce5c784 10 gemm 2 TN 2048 512 6400
#   bench/ab.sh ce5c784 20 step 2 lstm 2 512 512 64 100
#   bench/ab.sh ce5c784 20 linear 2 700 200 10000
#   bench/ab.sh ce5c784 20 loss 2 700 10000
# A is BASE, B is this tree. The base is built in a temporary worktree; the probe from this tree.
set -euo pipefail
cd "$(dirname "$0")/.."
(($# >= 3)) || { echo "usage: bench/ab.sh BASE SECONDS gemm|step|linear|loss THREADS ..." >&2; exit 2; }
base=$1; shift
out=$(mktemp -d); tree="$out/base"
trap 'git worktree remove --force "$tree" 2>/dev/null || true; rm -rf "$out"' EXIT
git worktree add -q --detach "$tree" "$base"
for side in A B; do
    src=$([[ $side == A ]] && echo "$tree" || echo .)
    dotnet build "$src/src/Recur" -c Release -v quiet -nologo -o "$out/lib$side" > /dev/null
done
dotnet build bench/Recur.AB.Probe -c Release -v quiet -nologo > /dev/null
dotnet build bench/Recur.AB -c Release -v quiet -nologo > /dev/null
for side in A B; do
    mkdir -p "$out/$side"
    cp "$out/lib$side/Recur.Core.dll" bench/Recur.AB.Probe/bin/Release/net10.0/Recur.AB.Probe.dll "$out/$side/"
done
dotnet bench/Recur.AB/bin/Release/net10.0/Recur.AB.dll "$out/A" "$out/B" "$@"
