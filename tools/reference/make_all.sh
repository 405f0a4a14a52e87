#!/usr/bin/env bash
# Regenerates every PyTorch reference file under tests/Recur.Tests/Reference/.
# Needs Debian's PyTorch: apt-get install -y python3-torch (then /usr/bin/python3 imports torch 1.13).
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "PyTorch is missing: run 'apt-get install -y python3-torch' (Debian 12), then rerun." >&2
  exit 1
fi
out=../../tests/Recur.Tests/Reference
mkdir -p "$out"
for script in *.py; do
  [ "$script" = st.py ] && continue
  echo "== $script"
  /usr/bin/python3 "$script" "$out"
done
du -sh "$out"
