#!/usr/bin/env bash
# Recur on Arm64, without an Arm machine: publishes recur for linux-arm64, runs it under qemu's user-mode
# emulation, and checks that training, sampling and evaluation give the same bits as this machine's x64
# build (Arm64 has fused multiply-add, so its 128-bit kernels must match AVX-512 / AVX2 exactly). Installs
# qemu-user-static and Arm64's C libraries (Debian or Ubuntu, as root or through sudo) when missing.
# Takes ~5 minutes on 2 cores; the emulated side runs 30-150x slower than native.
#
#   tools/arm64/check.sh [WORK_DIR]        (default: $TMPDIR/recur-arm64; data from ../shared/data)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
data=$(cd .. && pwd)/shared/data
work=${1:-${TMPDIR:-/tmp}/recur-arm64}
[[ -f $data/tinyshakespeare.txt ]] || { echo "no data: looked for $data/tinyshakespeare.txt" >&2; exit 1; }

sudo=(); [[ $(id -u) == 0 ]] || sudo=(sudo)
if [[ ! -e /usr/bin/qemu-aarch64-static || ! -e /lib/ld-linux-aarch64.so.1 ]]; then
    echo "installing qemu-user-static and Arm64's libc, libstdc++ and libgcc" >&2
    "${sudo[@]}" dpkg --add-architecture arm64
    "${sudo[@]}" apt-get update >&2
    "${sudo[@]}" apt-get install -y qemu-user-static binfmt-support libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 >&2
fi
# The kernel runs an Arm64 executable through qemu once binfmt_misc knows it (a container may need it mounted).
if [[ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
    [[ -e /proc/sys/fs/binfmt_misc/register ]] || "${sudo[@]}" mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    "${sudo[@]}" update-binfmts --enable qemu-aarch64
fi

mkdir -p "$work"
rm -rf "$work/publish" "$work/x64" "$work/arm64"
dotnet build src/Recur.Cli -c Release -v quiet -nologo > /dev/null
dotnet publish src/Recur.Cli -c Release -r linux-arm64 --self-contained -v quiet -nologo -o "$work/publish" > /dev/null
x64=(dotnet "$repo/src/Recur.Cli/bin/Release/net10.0/recur.dll")
arm64=("$work/publish/recur")
# .NET maps its code pages twice (writable, executable); qemu apparently misses writes through the writable
# view and runs stale code: a NullReferenceException inside System.Text.Json after the plots were drawn, every
# time, and never with write-xor-execute off, where .NET writes code where it runs it.
export DOTNET_EnableWriteXorExecute=0 CI=true

cd "$work"
head -c 100000 "$data/tinyshakespeare.txt" > text.txt
python3 - "$data/imdb/train.csv" reviews.csv <<'EOF'
import csv, random, sys
csv.field_size_limit(1 << 30)
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
random.seed(0)
csv.writer(open(sys.argv[2], 'w', newline='', encoding='utf-8')).writerows([rows[0]] + random.sample(rows[1:], 300))
EOF

failed=0
# check NAME FILES -- ARGS: runs ARGS on both sides (OUT stands for the side's run directory), then compares
# the side's stdout and each of FILES (in OUT) with tools/arm64/same.py.
check() {
    local name=$1; shift
    local files=()
    while [[ $1 != -- ]]; do files+=("$1"); shift; done; shift
    for side in x64 arm64; do
        local -n bin=$side
        mkdir -p "$side/$name"
        "${bin[@]}" "${@//OUT/$side/$name}" > "$side/$name.stdout" 2> "$side/$name.stderr" ||
            { echo "$name: recur failed on $side: $(tail -1 "$side/$name.stderr")"; failed=1; return; }
    done
    local out
    if out=$(python3 "$repo/tools/arm64/same.py" "x64/$name" "arm64/$name" "${files[@]}"); then
        echo "$name: same ($out)"
    else
        echo "$name: DIFFERENT: $out"; failed=1
    fi
}
check lstm model.safetensors state.safetensors -- train text.txt -o OUT --steps 40 --hidden 64 --layers 2 \
    --seq 30 --batch 16 --embed 16 --dropout 0.1 --eval-every 20 --json
check gru model.safetensors state.safetensors -- train text.txt -o OUT --cell gru --steps 30 --hidden 48 \
    --seq 25 --batch 8 --eval-every 15 --json
check rnn model.safetensors state.safetensors -- train text.txt -o OUT --cell rnn-relu --steps 30 \
    --hidden 40 --seq 20 --batch 8 --optimizer rmsprop --eval-every 15 --json
check words model.safetensors state.safetensors -- train text.txt -o OUT --tokens words --steps 20 --hidden 32 \
    --layers 1 --embed 32 --tie --seq 15 --batch 4 --batching windows --eval-every 10 --json
check loop model.safetensors state.safetensors -- train text.txt -o OUT --cell loop --tokens words --steps 20 \
    --hidden 32 --seq 10 --batch 8 --eval-every 10 --json
check sample -- sample x64/lstm --prime "The " --length 300 --temperature 0.8 --top-k 5 --seed 3
check greedy -- sample x64/gru --length 200 --temperature 0
check eval -- eval x64/lstm text.txt --json
check continuation -- eval x64/words text.txt --json --continuation 5
check classify model.safetensors -- classify train reviews.csv -o OUT --epochs 2 --json
check classify-eval -- classify eval x64/classify reviews.csv --json
check stars model.safetensors -- classify train reviews.csv -o OUT --label-column rating --cell gru --bidirectional \
    --epochs 2 --json
check stars-eval -- classify eval x64/stars reviews.csv --label-column rating --json
check forecast model.safetensors predictions.csv -- forecast train "$data/nasdaq_19900101_20230630.csv" -o OUT \
    --epochs 4 --json
check forecast-gru model.safetensors predictions.csv -- forecast train "$data/nasdaq_19900101_20230630.csv" \
    -o OUT --epochs 2 --cell gru --hidden 24 --json
if ((failed)); then echo "Arm64 and x64 differ (runs in $work)"; exit 1; fi
echo "Arm64 (emulated) and x64 gave the same bits in every check"
