#!/usr/bin/env bash
# The speed table of docs/performance.md, from a fresh clone: installs Debian's PyTorch and OpenBLAS
# when missing (PyTorch without libopenblas0-pthread runs on reference BLAS and the comparison means
# nothing), builds the benchmark, prints the GEMM table (Recur beside OpenBLAS) and runs `compare`
# (Recur and PyTorch alternating, fresh processes).
#
#   bench/compare.sh [--reps 3] [--seconds 10] [--threads 2] [--configs a,b]
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
/usr/bin/python3 -c "import torch" 2>/dev/null || need+=(python3-torch)
dpkg -s libopenblas0-pthread >/dev/null 2>&1 || need+=(libopenblas0-pthread)
if ((${#need[@]})); then
    sudo=(); [[ $(id -u) == 0 ]] || sudo=(sudo)
    echo "installing ${need[*]}" >&2
    # A fresh machine has no package lists yet: the install fails until apt-get update has run.
    "${sudo[@]}" apt-get install -y "${need[@]}" >&2 ||
        { "${sudo[@]}" apt-get update >&2 && "${sudo[@]}" apt-get install -y "${need[@]}" >&2; }
fi
dotnet build bench/Recur.Bench -c Release -v quiet -nologo > /dev/null
bench=bench/Recur.Bench/bin/Release/net10.0/Recur.Bench.dll
# The GEMM table at compare's thread count (its other options are compare's alone).
gemm=(); args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do [[ ${args[i]} == --threads ]] && gemm=(--threads "${args[i + 1]}"); done
dotnet "$bench" gemm "${gemm[@]}"
echo
dotnet "$bench" compare "$@"
