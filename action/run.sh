#!/usr/bin/env bash
# The GitHub Action's work, kept in a script so it can be run and tested outside Actions.
#
# Inputs (environment):
#   FBSCOPES_ACTION_PATH  the action's checkout (pip installs fbscopes from it)
#   FBSCOPES_PATH         what to check (default: .)
#   FBSCOPES_ARGS         extra arguments for `fbscopes check` (split on whitespace)
#   FBSCOPES_SARIF        SARIF file to write (default: fbscopes.sarif; empty: none)
#   FBSCOPES_BIN          an fbscopes executable to use instead of installing one
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP   as set by GitHub Actions
# Outputs (to $GITHUB_OUTPUT): exit-code, sarif-file (when written), missing-scopes (comma list).
# Exit status: the exit code of `fbscopes check` (0 ok, 1 policy failure, 2 usage, 3 internal).
set -euo pipefail

action_path="${FBSCOPES_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
target="${FBSCOPES_PATH:-.}"
sarif="${FBSCOPES_SARIF-fbscopes.sarif}"
output="${GITHUB_OUTPUT:-/dev/null}"
tmp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"

bin="${FBSCOPES_BIN:-}"
python=python3
if [ -z "$bin" ]; then
  venv="$tmp/fbscopes-venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$action_path"
  bin="$venv/bin/fbscopes"
  python="$venv/bin/python"
fi

read -r -a extra <<< "${FBSCOPES_ARGS:-}"
json="$(mktemp "$tmp/fbscopes-XXXXXX.json")"
outputs=(--output "json:$json")
if [ -n "$sarif" ]; then
  outputs+=(--output "sarif:$sarif")
fi

set +e
"$bin" check "$target" --format github "${outputs[@]}" "${extra[@]}"
code=$?
set -e

{
  echo "exit-code=$code"
  if [ -n "$sarif" ] && [ -s "$sarif" ]; then
    echo "sarif-file=$sarif"
  fi
  if [ -s "$json" ]; then
    printf 'missing-scopes=%s\n' "$("$python" -c '
import json, sys
print(",".join(m["scope"] for m in json.load(open(sys.argv[1]))["missing"]))' "$json")"
  fi
} >> "$output"
rm -f "$json"
exit "$code"
