#!/usr/bin/env bash
# Runs the real pre-commit against this repository's .pre-commit-hooks.yaml,
# as a user does: a `.pre-commit-config.yaml` naming this repository at HEAD
# and `pre-commit run --all-files`, in a temporary git repository holding a
# copy of an example workspace. The hook must pass on examples/acme and fail
# on examples/broken, printing steward's diagnostics.
#
# pre-commit clones this repository at HEAD: commit changes before running
# it. It builds steward with `cargo install` (a release build) once; both
# examples share its store, as two repositories of one user do (try-repo
# would clone and build again for each).
#
# Needs: pre-commit (pip install pre-commit), git, cargo.
# Usage: bash tests/precommit_hook.sh
# Env:   STEWARD_PRECOMMIT_TARGET_DIR  cargo target dir to build in (default: a temp dir)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if ! command -v pre-commit > /dev/null; then
  echo "pre-commit is not installed: pip install pre-commit" >&2
  exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/steward-pre-commit.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
export CARGO_TARGET_DIR="${STEWARD_PRECOMMIT_TARGET_DIR:-$tmp/cargo-target}"
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
export PRE_COMMIT_COLOR=never
# pre-commit refuses to run hooks while git identity is unset on some setups.
export GIT_AUTHOR_NAME=steward-test GIT_AUTHOR_EMAIL=test@example.invalid
export GIT_COMMITTER_NAME=steward-test GIT_COMMITTER_EMAIL=test@example.invalid

passed=0
failed=0

rev="$(git -C "$repo" rev-parse HEAD)"

# workspace NAME: a new git repository holding a copy of examples/NAME and a
# pre-commit configuration that uses steward at this repository's HEAD.
workspace() {
  local dir="$tmp/$1"
  mkdir -p "$dir"
  cp -R "$repo/examples/$1/." "$dir/"
  printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: steward\n' \
    "$repo" "$rev" > "$dir/.pre-commit-config.yaml"
  git -C "$dir" init -q
  git -C "$dir" add -A
  git -C "$dir" commit -q -m "$1"
  echo "$dir"
}

# try NAME: runs the hook in a copy of examples/NAME; sets $status and $output.
try() {
  local dir started
  dir="$(workspace "$1")"
  started=$SECONDS
  status=0
  output="$(cd "$dir" && pre-commit run --all-files 2>&1)" || status=$?
  echo "--- pre-commit run on examples/$1: exit $status in $((SECONDS - started))s"
  echo "$output"
}

check() {
  local what="$1"
  shift
  if "$@"; then
    echo "ok    $what"
    passed=$((passed + 1))
  else
    echo "FAIL  $what"
    failed=$((failed + 1))
  fi
}

contains() { grep -qF -- "$1" <<< "$output"; }
matches() { grep -qE -- "$1" <<< "$output"; }

try acme
check "the hook passes on the clean example" test "$status" -eq 0
check "pre-commit reports it as passed" matches "^steward\.+Passed$"

try broken
check "the hook fails on the broken example" test "$status" -eq 1
check "pre-commit reports it as failed" matches "^steward\.+Failed$"
check "steward's diagnostics are printed" contains "error[duplicate-id]"
check "with the message" contains "member id \`john\` is already used"
check "and the summary line" matches "^[0-9]+ errors?, [0-9]+ warnings? in [0-9]+ files?"

echo "$passed passed, $failed failed"
test "$failed" -eq 0
