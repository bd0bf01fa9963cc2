#!/usr/bin/env bash
# Execute notebooks the way a Jupyter user does: Jupyter's own runner with the .NET Interactive kernel.
#   scripts/jupyter_run.sh [NOTEBOOK.ipynb...]
# Without notebooks: every notebooks/NN-*.ipynb in order. Each runs with `jupyter nbconvert --to notebook --execute`
# and the kernel .net-csharp (the tool in .config/dotnet-tools.json; ./build.sh setup registers it), started in the
# notebook's folder so relative #r paths work, with this environment (DENOISE_QUICK=1 for quick mode).
# The executed notebook goes to artifacts/jupyter/<name>.ipynb (artifacts/quick/jupyter/ in quick mode;
# DENOISE_REPORTS_BASE=DIR puts it under DIR/jupyter/), never into notebooks/.
# DENOISE_CELL_TIMEOUT=SECONDS stops a cell that runs longer (default: 120 in quick mode, no limit otherwise).
# nbconvert stops at the first failing cell; each notebook gets one line, naming the failing cell and its error.
# Exit 0 when every notebook ran clean, 1 when one did not, 2 when the tools are missing.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
python="$(command -v python3 || echo /usr/bin/python3)"
kernel=.net-csharp
quick="${DENOISE_QUICK:-}"
base="${DENOISE_REPORTS_BASE:-$root/artifacts$([ "$quick" = 1 ] && echo /quick)}"
out_dir="$base/jupyter"
timeout="${DENOISE_CELL_TIMEOUT:-$([ "$quick" = 1 ] && echo 120 || echo -1)}"

# shellcheck source=scripts/run_helpers.sh
source "$root/scripts/run_helpers.sh"
die() { printf 'jupyter_run.sh: %s\n' "$*" >&2; exit 2; }

args=()
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $arg" ;;
    *) args+=("$arg") ;;
  esac
done
notebook_paths "${args[@]}"
[[ "$timeout" =~ ^(-1|[1-9][0-9]*)$ ]] || die "DENOISE_CELL_TIMEOUT=$timeout: give whole seconds, or -1 for no limit"
command -v jupyter-nbconvert >/dev/null || die "jupyter-nbconvert is missing; run ./build.sh setup (Debian package jupyter-nbconvert)"
mkdir -p "$out_dir"

failed=0
for notebook in "${notebooks[@]}"; do
  name="$(basename "$notebook" .ipynb)"
  rm -f "$out_dir/$name.ipynb"  # a stale notebook must not pass for this run's
  start=$(date +%s%N)
  # nbconvert writes the notebook only after its last cell ran (to a temp name, renamed once whole).
  jupyter-nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name="$kernel" \
    --ExecutePreprocessor.timeout="$timeout" --ExecutePreprocessor.startup_timeout=120 \
    --output-dir "$out_dir" --output ".$name.$$" "$notebook" >"$out_dir/$name.log" 2>&1 </dev/null
  status=$?
  [ ! -f "$out_dir/.$name.$$.ipynb" ] || mv -f "$out_dir/.$name.$$.ipynb" "$out_dir/$name.ipynb"
  "$python" "$root/scripts/jupyter_result.py" "$name" --exit "$status" --log "$out_dir/$name.log" \
    --executed "$out_dir/$name.ipynb" --kernel "$kernel" --seconds "$(seconds_since "$start")" || failed=$((failed + 1))
done
[ $failed -eq 0 ]
