#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs this executor may use as Spark's resource JSON,
# e.g. {"name": "gpu", "addresses": ["0", "1"]}. Honors CUDA_VISIBLE_DEVICES / NVIDIA_VISIBLE_DEVICES.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo '{"name": "gpu", "addresses": []}'
  exit 0
fi
ADDRS=$(nvidia-smi --query-gpu=index --format=csv,noheader | tr -d ' ' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [$(echo "$ADDRS" | sed 's/\([0-9][0-9]*\)/"\1"/g')]}"
