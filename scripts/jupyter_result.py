#!/usr/bin/env python3
"""Judge one notebook run by `jupyter nbconvert --to notebook --execute` and print one line (Python 3 stdlib only).

    jupyter_result.py NAME --exit N --log LOG --executed OUT.ipynb --seconds S

nbconvert stops at the first failing cell, exits non-zero and writes no notebook; the reason is then read from its
log: the cell (by its first source line) and the error's first line, a cell timeout, a dead or missing kernel.
After a clean exit the executed notebook must show every code cell run and no failed cell (the rule of
finalize_report.py), so that a kernel reporting errors some other way cannot pass unnoticed.
Exit status 0 when the notebook ran clean, 1 when not.
"""
import argparse
import json
import os
import re
import sys

from finalize_report import cell_failure, first_line, text

DASHES = re.compile(r"^-{10,}$")
# The last "module.Class: message" line of a Python traceback, e.g. jupyter_client.kernelspec.NoSuchKernel: ...
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Kernel|Interrupt)): (.+)$")
KERNEL_HINT = "is the kernel registered (jupyter kernelspec list)? ./build.sh setup registers .net-csharp"
# What `dotnet interactive` (the kernel's command) says when neither a local tool manifest above the notebook's folder
# nor a global install provides it.
NO_TOOL = "Could not execute because the specified command or file was not found."
NO_TOOL_HINT = "the kernel's command `dotnet interactive` was not found: run `dotnet tool restore` in the repository " \
               "and keep the notebook inside it, or install the tool globally (README, Jupyter)"


def after_dashes(lines, start):
    """(first non-blank line of the block between the dashes after lines[start], index of its closing dashes)."""
    opening = next((i for i in range(start, len(lines)) if DASHES.match(lines[i].strip())), None)
    if opening is None:
        return "", len(lines)
    closing = next((i for i in range(opening + 1, len(lines)) if DASHES.match(lines[i].strip())), len(lines))
    return first_line("\n".join(lines[opening + 1:closing])), closing


def failure_reason(log):
    """nbconvert's reason for failing, as one line."""
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if "CellExecutionError: An error occurred while executing the following cell:" in line:
            source, closing = after_dashes(lines, i + 1)
            error = first_line("\n".join(lines[closing + 1:])) or "no error message"
            return f"cell {source!r} failed: {error}"
        match = re.search(r"CellTimeoutError: (A cell timed out .*?after \d+ seconds)", line)
        if match:
            source, _ = after_dashes(lines, i + 1)
            return f"{match.group(1).replace('A cell', 'cell ' + repr(source))} (DENOISE_CELL_TIMEOUT sets the limit)"
    exceptions = [EXCEPTION_LINE.match(line.strip()) for line in lines]
    last = next((m for m in reversed(exceptions) if m), None)
    if last is None:
        return first_line("\n".join(reversed(lines))) or "no message"
    name, message = last.group(1).rpartition(".")[2], last.group(2).strip()
    if NO_TOOL in log and "Kernel died" in message:
        return f"{name}: {message}; {NO_TOOL_HINT}"
    if name in ("NoSuchKernel", "DeadKernelError") or "Kernel didn't respond" in message:
        return f"{name}: {message}; {KERNEL_HINT}"
    return f"{name}: {message}"


def notebook_problem(nb):
    """Why an executed notebook does not show a clean run, or None; also the number of code cells."""
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    for number, cell in enumerate(cells, start=1):
        if not text(cell.get("source")).strip():
            continue
        if cell.get("execution_count") is None:
            return f"code cell {number} {first_line(cell.get('source'))!r} did not run", len(cells)
        for output in cell.get("outputs", []):
            error = cell_failure(output)
            if error:
                return f"cell {first_line(cell.get('source'))!r} failed: {error}", len(cells)
    return None, len(cells)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("name")
    parser.add_argument("--exit", type=int, required=True, help="nbconvert's exit status")
    parser.add_argument("--log", required=True, help="nbconvert's output, stderr included")
    parser.add_argument("--executed", required=True, help="the notebook nbconvert was asked to write")
    parser.add_argument("--kernel", default=".net-csharp", help="the kernel it ran with, for the summary line")
    parser.add_argument("--seconds", default="?")
    args = parser.parse_args(argv)
    where = f"(log: {os.path.relpath(args.log)})"
    if args.exit != 0:
        with open(args.log, encoding="utf-8", errors="replace") as f:
            reason = failure_reason(f.read())
        print(f"{args.name}: failed in Jupyter after {args.seconds} s: {reason} {where}")
        return 1
    try:
        with open(args.executed, encoding="utf-8") as f:
            nb = json.load(f)
    except (OSError, ValueError) as e:
        print(f"{args.name}: nbconvert exited 0 but {args.executed} is unreadable ({e}) {where}")
        return 1
    problem, cells = notebook_problem(nb)
    if problem:
        print(f"{args.name}: nbconvert exited 0 but {problem} {where}")
        return 1
    print(f"{args.name}: ran in Jupyter (kernel {args.kernel}) in {args.seconds} s, {cells} code cells -> "
          f"{os.path.relpath(args.executed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
