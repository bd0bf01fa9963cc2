#!/usr/bin/env bash
# End-to-end test of scripts/jupyter_run.sh (needs the build, the dotnet tools and the registered .net-csharp kernel):
# Jupyter's runner must fail on the fixture's failing cell and name it and its error in one line.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
fail() { echo "jupyter_selftest: $*" >&2; exit 1; }
export DENOISE_REPORTS_BASE="$PWD/artifacts/selftest"   # the fixture's output stays out of the real ones

out="$(DENOISE_QUICK=1 scripts/jupyter_run.sh tests/fixtures/notebooks/fail.ipynb)" && fail "the failing notebook passed:"$'\n'"$out"
[ "$(wc -l <<<"$out")" = 1 ] || fail "expected one line:"$'\n'"$out"
grep -q "^fail: failed in Jupyter after .* s: cell '// the failing cell' failed: .*System.InvalidOperationException: deliberate failure" <<<"$out" \
  || fail "the failing cell was not named:"$'\n'"$out"
[ ! -e "$DENOISE_REPORTS_BASE/jupyter/fail.ipynb" ] || fail "a notebook was written for the failed run"
echo "jupyter_selftest: ok"
