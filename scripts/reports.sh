#!/usr/bin/env bash
# Execute notebooks and export self-contained HTML reports.
#   scripts/reports.sh [--check] [NOTEBOOK.ipynb...]
# Without notebooks: every notebooks/NN-*.ipynb in order. Each runs with dotnet-repl in its own folder (so relative
# #r paths work as in VS Code), with this environment (DENOISE_QUICK=1 for quick mode). Outputs:
#   artifacts/executed/<name>.ipynb   the executed notebook (progress ticks dropped)
#   artifacts/reports/<name>.html     the report: plotly.js inlined, no external references
# (under artifacts/quick/ in quick mode; DENOISE_REPORTS_BASE=DIR puts them under DIR instead)
# --check also opens every report in headless chromium with the network off (scripts/check_report.py).
# DENOISE_NOTEBOOK_TIMEOUT=SECONDS stops a notebook that runs longer (default: no limit).
# A failed cell fails the run (after its report is written, so it can be read); the last line it prints is
# "reports: N passed, M failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
python="$(command -v python3 || echo /usr/bin/python3)"
plotly="$root/artifacts/npm/plotly/plotly-cartesian.min.js"
# Quick runs (DENOISE_QUICK=1) get their own folder, so a test run never replaces the full reports.
base="${DENOISE_REPORTS_BASE:-$root/artifacts$([ "${DENOISE_QUICK:-}" = 1 ] && echo /quick)}"
executed="$base/executed"
limit="${DENOISE_NOTEBOOK_TIMEOUT:-0}"  # seconds per notebook; 0: no limit
reports="$base/reports"

# shellcheck source=scripts/run_helpers.sh
source "$root/scripts/run_helpers.sh"
die() { printf 'reports.sh: %s\n' "$*" >&2; exit 2; }

check=""
args=()
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $arg (use --check)" ;;
    *) args+=("$arg") ;;
  esac
done
notebook_paths "${args[@]}"
[ -f "$plotly" ] || die "$plotly is missing; run ./build.sh setup (it unpacks the npm package plotly.js-cartesian-dist-min)"
command -v jupyter-nbconvert >/dev/null || die "jupyter-nbconvert is missing; run ./build.sh setup (Debian package jupyter-nbconvert)"
[ -z "$check" ] || command -v chromium >/dev/null || die "chromium is missing; run ./build.sh setup (Debian package chromium)"
mkdir -p "$executed" "$reports"

passed=0
failed=0
for notebook in "${notebooks[@]}"; do
  name="$(basename "$notebook" .ipynb)"
  out="$executed/$name.ipynb"
  tmp="$executed/.$name.$$.ipynb"
  log="$executed/$name.log"
  rm -f "$out" "$reports/$name.html"  # a stale report must not pass for this run's
  start=$(date +%s%N)
  # dotnet-repl exits 2 when a cell fails but still runs the rest and writes the notebook.
  (cd "$(dirname "$notebook")" && timeout --kill-after=30 "$limit" dotnet dotnet-repl --run "$notebook" \
      --exit-after-run --output-format ipynb --output-path "$tmp") >"$log" 2>&1 </dev/null
  repl=$?
  seconds="$(seconds_since "$start")"
  [ -s "$log" ] || rm -f "$log"
  if [ ! -s "$tmp" ]; then
    rm -f "$tmp"
    if [ $repl -eq 124 ] || [ $repl -eq 137 ]; then
      echo "$name: stopped after ${seconds} s (DENOISE_NOTEBOOK_TIMEOUT=$limit); no report"
    else
      echo "$name: dotnet-repl wrote no notebook (exit $repl) after ${seconds} s"
    fi
    if [ -s "$log" ]; then  # the exception's message, not the end of its stack trace
      reason="$(grep -m1 -E 'Exception|[Ee]rror' "$log" || tail -n 3 "$log")"
      echo "  $reason (all of it: $log)"
    fi
    failed=$((failed + 1))
    continue
  fi
  mv -f "$tmp" "$out"
  "$python" "$root/scripts/finalize_report.py" "$out" "$reports/$name.html" --plotly "$plotly" \
    --seconds "$seconds" --repl-exit "$repl"
  ok=$?
  if [ $ok -eq 0 ] && [ -n "$check" ]; then
    "$python" "$root/scripts/check_report.py" "$reports/$name.html" || ok=1
  fi
  if [ $ok -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

echo "reports: $passed passed, $failed failed"
[ $failed -eq 0 ]
