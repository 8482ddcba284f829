#!/usr/bin/env bash
# Seeds the fuzz corpora from the repository's fixtures and examples.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/check_bytes
find ../fixtures ../examples -name '*.yaml' -size -64k | while read -r f; do
  cp "$f" "corpus/check_bytes/$(echo "$f" | tr '/.' '__')"
done
echo "seeded $(ls corpus/check_bytes | wc -l) files"
