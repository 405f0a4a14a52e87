#!/bin/bash
# One training epoch of seed 002's IMDb model in Recur and in PyTorch, on the same CSV, and the ratio.
#
#   bench/classify_epoch.sh [TRAIN_CSV] [extra model flags for both, e.g. --layers 2 --bidirectional]
#
# Recur: `recur classify train --epochs 1` (its epoch line times the training steps only, wall clock
# and processor time) with 1 and with 2 threads. PyTorch: bench/classify_torch.py with Debian's
# python3-torch, 2 threads (TORCH_THREADS to change), with glibc malloc told to keep freed memory (see
# classify_torch.py; TORCH_MALLOC=default for the untuned run). LIMIT=N times both on an even sample
# of N reviews instead of all. On a shared machine wall-clock times move with its load: the load
# average is printed beside each run, and the ratio is given for processor time too.
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
LIMIT_ARGS=()
if [[ -n "${LIMIT:-}" ]]; then
    # The sample classify_torch.py --limit takes: every k-th row, k = rows / LIMIT.
    DATA=$OUT/sample.csv
    LIMIT_ARGS=(--limit "$LIMIT")
    /usr/bin/python3 - "$TRAIN" "$LIMIT" "$DATA" <<'PY'
import csv, sys
src, limit, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(src, encoding='utf-8', newline='') as f:
    rows = list(csv.reader(f))
header, body = rows[0], rows[1:]
step = max(1, len(body) // limit)
with open(dst, 'w', encoding='utf-8', newline='') as f:
    w = csv.writer(f)
    w.writerow(header)
    w.writerows(body[::step][:limit])
PY
fi

for threads in 1 2; do
    echo "recur, $threads thread(s), load $(cut -d' ' -f1-3 /proc/loadavg)"
    "$RECUR" classify train "$DATA" -o "$OUT/run$threads" --epochs 1 --threads "$threads" "${EXTRA[@]}" | tee "$OUT/recur$threads.log" | grep '^epoch 1/1  '
done

echo "pytorch, ${TORCH_THREADS:-2} threads, load $(cut -d' ' -f1-3 /proc/loadavg)"
MALLOC_ENV=(MALLOC_MMAP_THRESHOLD_=4000000000 MALLOC_TRIM_THRESHOLD_=4000000000 MALLOC_TOP_PAD_=536870912)
[[ "${TORCH_MALLOC:-}" == default ]] && MALLOC_ENV=()
env "${MALLOC_ENV[@]}" /usr/bin/python3 bench/classify_torch.py "$TRAIN" --epochs 1 --threads "${TORCH_THREADS:-2}" "${LIMIT_ARGS[@]}" "${EXTRA[@]}" | tee "$OUT/torch.log"

# Ratios of wall-clock and of processor time per epoch.
/usr/bin/python3 - "$OUT" <<'PY'
import re, sys
out = sys.argv[1]
def times(path, pattern):
    m = re.search(pattern, open(path).read(), re.M)
    return float(m.group(1)), float(m.group(2))
torch_wall, torch_cpu = times(f'{out}/torch.log', r'^epoch 1: .* ([0-9.]+) s \(cpu ([0-9.]+) s\)')
for threads in (1, 2):
    wall, cpu = times(f'{out}/recur{threads}.log', r'^epoch 1/1 .*  ([0-9.]+) s \(cpu ([0-9.]+) s\)')
    print(f'recur {threads} thread(s): {wall:.1f} s (cpu {cpu:.1f} s); pytorch: {torch_wall:.1f} s (cpu {torch_cpu:.1f} s); '
          f'pytorch / recur: {torch_wall / wall:.1f}x wall, {torch_cpu / cpu:.1f}x cpu')
PY
