#!/usr/bin/env bash
# Check that the notebook library builds with TorchSharp's native libraries flat beside TorchSharp.dll, the one layout
# a notebook kernel can load, for this machine and for Windows (win-x64) and Apple silicon macOS (osx-arm64).
#   scripts/check_platforms.sh
# This machine's build is the one setup made (artifacts/build/bin/Denoise.Interactive/release/). The other two are
# restored and built with -r RID into artifacts/platforms/<rid>/, obj folders included, so they never touch it; the
# TorchSharp-cpu package already holds all three platforms' natives, so nothing is downloaded. Copy-local files are
# hard links into the NuGet cache where the file system allows, which saves copying ~600 MB of natives.
# scripts/check_native_layout.py names the files checked. Prints one line per platform when all are right; otherwise
# one line naming the first problem, exit 1.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
python="$(command -v python3 || echo /usr/bin/python3)"
project=lib/Denoise.Interactive/Denoise.Interactive.csproj
host="$root/artifacts/build/bin/Denoise.Interactive/release"
start=$(date +%s%N)
# shellcheck source=scripts/run_helpers.sh
source scripts/run_helpers.sh

fail() { echo "native layout: $*"; exit 1; }
check() { # check FOLDER [RID]: the checker's one line, kept for the summary; its own line on failure
  local line
  line="$("$python" scripts/check_native_layout.py "$@")" || { echo "$line"; exit 1; }
  lines+=("$line")
}

[ -d "$host" ] || fail "$host is missing; run ./build.sh setup (or dotnet build Denoise.slnx -c Release) first"
lines=()
check "$host"
for rid in win-x64 osx-arm64; do
  out="$root/artifacts/platforms/$rid"
  mkdir -p "$out"
  log="$out/build.log"
  if ! dotnet build "$project" -c Release -r "$rid" -p:ArtifactsPath="$out" -p:CreateHardLinksForCopyLocalIfPossible=true \
      -nologo -v q -clp:ErrorsOnly >"$log" 2>&1 </dev/null; then
    error="$(grep -m1 -E 'error [A-Z]+[0-9]*' "$log" | sed -E 's/^ +//; s/ \[[^]]*\]$//')"
    fail "the $rid build of $project failed: ${error:-see the log} (all of it: $log)"
  fi
  check "$out/bin/Denoise.Interactive/release_$rid" "$rid"
done

for line in "${lines[@]}"; do echo "native layout: $line"; done
echo "native layout: 3 platforms checked in $(seconds_since "$start") s"
