#!/bin/bash
# One training epoch of seed 002's IMDb model in Recur and in PyTorch, on the same CSV, and the ratio.
#
#   bench/classify_epoch.sh [TRAIN_CSV] [extra recur/torch model flags, e.g. --layers 2 --bidirectional]
#
# Recur: `recur classify train --epochs 1` (its epoch line times the training steps only) with 1 and
# with 2 threads. PyTorch: bench/classify_torch.py with Debian's python3-torch, 2 threads (set
# TORCH_THREADS to change). Set LIMIT=N to time both on an even sample of N reviews instead.
# Timings on a shared machine move with its load: the script prints the load average beside each.
set -euo pipefail
cd "$(dirname "$0")/.."
TRAIN=${1:-../shared/data/imdb/train.csv}
shift || true
EXTRA=("$@")
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

dotnet build src/Recur.Cli -c Release -v quiet -nologo > /dev/null
RECUR=src/Recur.Cli/bin/Release/net10.0/recur
DATA=$TRAIN
if [[ -n "${LIMIT:-}" ]]; then
    # The same even sample classify_torch.py --limit takes: every k-th row.
    DATA=$OUT/sample.csv
    /usr/bin/python3 - "$TRAIN" "$LIMIT" "$DATA" <<'EOF'
import csv, sys
src, limit, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(src, encoding='utf-8', newline='') as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
step = max(1, len(body) // limit)
with open(dst, 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    w.writerows(body[::step][:limit])
EOF
fi

seconds() { sed -n 's/.*  \([0-9.]*\) s  [0-9]* reviews\/s.*/\1/p' "$1" | tail -1; }
declare -A RESULT
for threads in 1 2; do
    echo "recur, $threads thread(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$RECUR" classify train "$DATA" -o "$OUT/run$threads" --epochs 1 --threads "$threads" "${EXTRA[@]}" | tee "$OUT/recur$threads.log" | grep '^epoch 1/1  '
    RESULT[recur$threads]=$(seconds "$OUT/recur$threads.log")
done

echo "pytorch, ${TORCH_THREADS:-2} threads, load $(cut -d' ' -f1-3 /proc/loadavg)"
LIMIT_ARGS=()
[[ -n "${LIMIT:-}" ]] && LIMIT_ARGS=(--limit "$LIMIT")
/usr/bin/python3 bench/classify_torch.py "$TRAIN" --epochs 1 --threads "${TORCH_THREADS:-2}" "${LIMIT_ARGS[@]}" "${EXTRA[@]}" | tee "$OUT/torch.log"
TORCH=$(sed -n 's/^epoch 1: .* \([0-9.]*\) s [0-9.]* reviews\/s.*/\1/p' "$OUT/torch.log")

for threads in 1 2; do
    python3 -c "print(f'recur {$threads} thread(s): {${RESULT[recur$threads]}:.1f} s; pytorch: {$TORCH:.1f} s; pytorch / recur = {$TORCH / ${RESULT[recur$threads]}:.1f}x')"
done
