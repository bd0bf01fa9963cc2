#!/usr/bin/env python3
"""Check that a build of the notebook library holds TorchSharp's native libraries flat beside TorchSharp.dll
(Python 3 stdlib only).

    check_native_layout.py BUILD_FOLDER [RID]

A notebook kernel finds TorchSharp 0.107's natives only there; a build without a runtime identifier leaves them
under runtimes/<rid>/native/ and #r then fails with "Failed to load native component LibTorchSharp".
The folder's RID is the one its *.deps.json was built for; RID, when given, must match it.
Prints one line, "RID: ok (FILES beside TorchSharp.dll)" or what is wrong; exit 0 when ok, 1 when not.
"""
import glob
import json
import os
import sys

# The natives a CPU TorchSharp needs first: its own glue library, libtorch's CPU kernels and c10 (see
# the libtorch-cpu-<rid> and TorchSharp packages' runtimes/<rid>/native/ folders).
NATIVES = {
    "linux-x64": ["libLibTorchSharp.so", "libtorch_cpu.so", "libc10.so"],
    "win-x64": ["LibTorchSharp.dll", "torch_cpu.dll", "c10.dll"],
    "osx-arm64": ["libLibTorchSharp.dylib", "libtorch_cpu.dylib", "libc10.dylib"],
}


def built_rid(folder):
    """The RID in the runtimeTarget of the folder's deps.json (".NETCoreApp,Version=v10.0/win-x64"), or None."""
    for path in sorted(glob.glob(os.path.join(folder, "*.deps.json"))):
        with open(path, encoding="utf-8") as f:
            target = json.load(f).get("runtimeTarget", {}).get("name", "")
        return target.rpartition("/")[2] if "/" in target else None
    return None


def problem(folder, rid=None):
    """What is wrong with the folder's layout as one line (naming the folder), or None when it is right."""
    if not os.path.isdir(folder):
        return f"{folder}: no such build folder"
    if not os.path.isfile(os.path.join(folder, "TorchSharp.dll")):
        return f"{folder}: no TorchSharp.dll; is this the notebook library's build output?"
    built = built_rid(folder)
    if built is None:
        return f"{folder}: built without a runtime identifier, so TorchSharp's natives sit under runtimes/ " \
               f"where a notebook kernel cannot load them; build with -r RID"
    if rid is not None and built != rid:
        return f"{folder}: built for {built}, expected {rid}"
    if built not in NATIVES:
        return f"{folder}: built for {built}, which TorchSharp-cpu has no natives for (it has {', '.join(NATIVES)})"
    missing = [name for name in NATIVES[built] if not os.path.isfile(os.path.join(folder, name))]
    if missing:
        return f"{folder}: {built} build lacks {', '.join(missing)} beside TorchSharp.dll " \
               f"(a notebook kernel loads TorchSharp's natives only from there)"
    return None


def main(argv):
    if len(argv) not in (1, 2) or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    folder, rid = argv[0], (argv[1] if len(argv) == 2 else None)
    why = problem(folder, rid)
    if why:
        print(f"native layout: {why}")
        return 1
    built = built_rid(folder)
    print(f"{built}: ok ({', '.join(NATIVES[built])} beside TorchSharp.dll)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
