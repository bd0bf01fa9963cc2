#!/usr/bin/env bash
# End-to-end test of scripts/reports.sh on the fixture notebooks (needs the build, dotnet tools, nbconvert, chromium):
# the smoke notebook must pass --check with its charts drawn; the failing one must fail and name its cells.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
fixtures=tests/fixtures/notebooks
fail() { echo "reports_selftest: $*" >&2; exit 1; }
export DENOISE_REPORTS_BASE="$PWD/artifacts/selftest"   # the fixtures' reports stay out of the real ones

out="$(DENOISE_QUICK=1 scripts/reports.sh --check "$fixtures/smoke.ipynb")" || fail "smoke notebook failed:"$'\n'"$out"
grep -q '^smoke: .* 8 cells, 0 failed, 4 charts, 1 images$' <<<"$out" || fail "unexpected smoke summary:"$'\n'"$out"
grep -q '^check_report: smoke.html: ok (4 chart(s) drawn' <<<"$out" || fail "smoke report not checked:"$'\n'"$out"
grep -q 'DENOISE_QUICK=1' "$DENOISE_REPORTS_BASE/reports/smoke.html" || fail "DENOISE_QUICK did not reach the kernel"
[ "$(tail -n 1 <<<"$out")" = "reports: 1 passed, 0 failed" ] || fail "bad summary line:"$'\n'"$out"

out="$(scripts/reports.sh "$fixtures/fail.ipynb")" && fail "the failing notebook passed:"$'\n'"$out"
grep -q "fail: cell In \[3\] failed: '// the failing cell': System.InvalidOperationException: deliberate failure" <<<"$out" \
  || fail "the runtime failure was not named:"$'\n'"$out"
grep -q "fail: cell In \[4\] failed: .*error CS0029" <<<"$out" || fail "the compile error was not named:"$'\n'"$out"
[ -f "$DENOISE_REPORTS_BASE/reports/fail.html" ] || fail "no report written for the failing notebook"
[ "$(tail -n 1 <<<"$out")" = "reports: 0 passed, 1 failed" ] || fail "bad summary line:"$'\n'"$out"
echo "reports_selftest: ok"
