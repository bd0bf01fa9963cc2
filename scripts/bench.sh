#!/usr/bin/env bash
# Benchmark our TorchSharp training/inference against PyTorch; see docs/performance.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec ./denoise bench "$@"
