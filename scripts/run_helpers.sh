# Sourced by scripts/reports.sh, scripts/jupyter_run.sh and scripts/check_platforms.sh.

# notebook_paths [NOTEBOOK.ipynb...] sets the array `notebooks` to the arguments' full paths, or to every
# notebooks/NN-*.ipynb in order when there are none; a missing file or an empty notebooks/ goes to the caller's `die`.
notebook_paths() {
  notebooks=()
  local arg
  for arg in "$@"; do
    [ -f "$arg" ] || die "$arg: no such notebook"
    notebooks+=("$(realpath "$arg")")
  done
  if [ ${#notebooks[@]} -eq 0 ]; then
    shopt -s nullglob
    notebooks=("$root"/notebooks/[0-9][0-9]-*.ipynb)
    shopt -u nullglob
    [ ${#notebooks[@]} -gt 0 ] || die "no notebooks/NN-*.ipynb to run"
  fi
}

# seconds_since START: the seconds since START (a `date +%s%N` value), to a tenth: "12.3".
seconds_since() {
  local tenths=$(( ($(date +%s%N) - $1) / 100000000 ))
  echo "$((tenths / 10)).$((tenths % 10))"
}
