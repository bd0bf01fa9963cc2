#!/usr/bin/env python3
"""Strip outputs and execution counts from notebooks, which are committed without them (Python 3 stdlib only).

    clean_notebooks.py [--check] [NOTEBOOK.ipynb...]     (default: notebooks/*.ipynb)

--check changes nothing and exits 1 naming every notebook that still has outputs or execution counts.
"""
import glob
import json
import os
import sys

from finalize_report import atomic_write


def dirty_cells(nb):
    return [i for i, cell in enumerate(nb.get("cells", []), start=1)
            if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)]


def clean(nb):
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def write_atomically(path, nb):
    # Keeps the notebook's mode.
    atomic_write(path, json.dumps(nb, indent=1, ensure_ascii=False) + "\n", mode=os.stat(path).st_mode & 0o7777)


def main(argv):
    check = "--check" in argv
    paths = [a for a in argv if a != "--check"]
    if any(p.startswith("-") for p in paths):
        print(__doc__, file=sys.stderr)
        return 2
    if not paths:
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        paths = sorted(glob.glob(os.path.join(root, "notebooks", "*.ipynb")))
    dirty = 0
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                nb = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            print(f"clean_notebooks: {path}: cannot read the notebook: {e}", file=sys.stderr)
            return 2
        cells = dirty_cells(nb)
        if not cells:
            continue
        dirty += 1
        if check:
            print(f"clean_notebooks: {path}: cells {', '.join(map(str, cells))} have outputs or execution counts; "
                  f"run scripts/clean_notebooks.py")
        else:
            write_atomically(path, clean(nb))
            print(f"clean_notebooks: {path}: cleared {len(cells)} cell(s)")
    return 1 if check and dirty else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
