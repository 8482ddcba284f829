#!/usr/bin/env bash
# steward's benchmark (see BENCHMARKS.md): `bench/run.sh [--quick] [--full] [--runs N]`.
set -euo pipefail
exec python3 "$(dirname "$0")/run.py" "$@"
