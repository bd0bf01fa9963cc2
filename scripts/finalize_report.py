#!/usr/bin/env python3
"""Turn a notebook executed by dotnet-repl into a self-contained HTML report (Python 3 stdlib only).

    finalize_report.py EXECUTED.ipynb REPORT.html --plotly plotly-cartesian.min.js [--seconds S] [--repl-exit N]

1. Tidies the executed notebook in place: drops the "Installing Packages" progress outputs that dotnet-repl records once
   per tick (the final "Installed Packages" one stays), keeps only the last state of each live display (dotnet-repl
   records every update of a displayed value as a new display_data, without the display id that would tie it to the
   first: our live displays carry it in their HTML as data-live-display="ID"), puts each error's message into the traceback that nbconvert
   shows, numbers the code cells in run order and gives cells the ids nbformat 4.5 asks for.
2. Exports it with jupyter-nbconvert --to html.
3. Makes the HTML portable: plotly.js inlined once at the top of <head> so it is defined before any chart script runs
   (only when the page has a chart), the require.js/MathJax/CDN <script src> tags removed (require.js would also stop
   plotly from defining window.Plotly), <title> set to the notebook's first heading.
   And small: of the style sheets nbconvert inlines (JupyterLab's, about 0.5 MB, mostly widget styles a static page
   never shows), only the rules that can match an element of the page stay (a rule needs every class it names), and
   only the custom properties (--jp-...) that something on the page still reads with var().
4. Writes REPORT.html atomically and prints "NAME: S s, C cells, F failed, N charts, I images", then one line per
   failed cell naming it by its first source line and the error's first line.

Exit status: 0 when every cell ran, 1 when a cell failed (the report is still written) or dotnet-repl said so
(--repl-exit 2), 2 when the tools failed.
"""
import argparse
import html
import json
import os
import re
import subprocess
import sys
import tempfile

PROGRESS_MARK = "<strong>Installing Packages</strong>"
# stderr text that means a cell failed rather than merely logged something.
STDERR_FAILURE = re.compile(r"\b(error|exception|unhandled|fatal)\b", re.IGNORECASE)
EXTERNAL_SCRIPT = re.compile(r"""<script\b[^>]*\bsrc\s*=\s*["']?(?:file:|https?:|//)[^>]*>\s*</script>\s*""", re.IGNORECASE)
MATHJAX_BLOCK = re.compile(
    r"<!--\s*Load mathjax\s*-->.*?<!--\s*End of mathjax configuration\s*-->\s*"
    r"|<script\b[^>]*type\s*=\s*[\"']text/x-mathjax-config[\"'][^>]*>.*?</script>\s*",
    re.IGNORECASE | re.DOTALL)
CHART_CALL = re.compile(r"Plotly\.newPlot\(")
# Every state of one live display (lib/Denoise.Interactive/TrainingStatus.cs: LiveDisplayAttribute) carries its id.
LIVE_DISPLAY = re.compile(r"""data-live-display\s*=\s*["']([^"']+)["']""")
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)
# (also inside a script's string, quotes escaped: class=\"x\")
CLASS_ATTRIBUTE = re.compile(r"""\bclass\s*=\s*\\?["']([^"'\\]*)""", re.IGNORECASE)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_CLASS = re.compile(r"\.(-?[_a-zA-Z][-_a-zA-Z0-9]*)")
CUSTOM_PROPERTY = re.compile(r"\s*(--[-_a-zA-Z0-9]+)\s*:")
CUSTOM_PROPERTY_USE = re.compile(r"var\(\s*(--[-_a-zA-Z0-9]+)")
# At-rules whose blocks hold rules of their own, pruned like the top level; other at-rules (@font-face, @keyframes...) stay.
NESTING_AT_RULES = ("@media", "@supports", "@layer", "@container", "@document")


def text(value):
    return "".join(value) if isinstance(value, list) else (value or "")


def first_line(value):
    for line in text(value).splitlines():
        if line.strip():
            return line.strip()
    return ""


def is_progress(output):
    return output.get("output_type") in ("display_data", "update_display_data") and \
        PROGRESS_MARK in text(output.get("data", {}).get("text/html"))


def live_display_id(output):
    """The id of the live display an output is one state of: the display id Jupyter keeps in transient metadata, or
    the data-live-display attribute of its HTML; None for any other output."""
    if output.get("output_type") not in ("display_data", "update_display_data"):
        return None
    transient = output.get("transient") or {}
    if transient.get("display_id"):
        return transient["display_id"]
    match = LIVE_DISPLAY.search(text(output.get("data", {}).get("text/html")))
    return match.group(1) if match else None


def final_states(outputs):
    """The outputs with each live display shown once, in its last state, where its first state was."""
    last = {}
    for output in outputs:
        key = live_display_id(output)
        if key is not None:
            last[key] = output
    kept, placed = [], set()
    for output in outputs:
        key = live_display_id(output)
        if key is None:
            kept.append(output)
        elif key not in placed:
            placed.add(key)
            kept.append(last[key])
    return kept


def cell_failure(output):
    """The first line of the error an output reports, or None when it reports none."""
    kind = output.get("output_type")
    if kind == "error":
        return first_line(output.get("evalue")) or output.get("ename") or "error"
    if kind == "stream" and output.get("name") == "stderr":
        body = text(output.get("text"))
        if STDERR_FAILURE.search(body):
            return next(line.strip() for line in body.splitlines() if STDERR_FAILURE.search(line))
    return None


def show_error_message(output):
    """nbconvert shows an error's traceback only; dotnet-repl keeps the message (and, for a compile error, all of it)
    in evalue, so the traceback becomes the evalue's lines unless it already starts with the message."""
    message = text(output.get("evalue"))
    traceback = output.get("traceback") or []
    if message and first_line(message) not in "\n".join(traceback):
        output["traceback"] = message.splitlines()


def tidy(nb):
    """Drop progress ticks and earlier states of live displays, make errors readable, number the cells in run order and add missing cell ids;
    return (code cell count, failures)."""
    failures = []
    code_cells = 0
    for index, cell in enumerate(nb.get("cells", []), start=1):
        cell.setdefault("id", f"cell-{index}")
        if cell.get("cell_type") != "code":
            continue
        code_cells += 1
        if cell.get("execution_count") is None:  # dotnet-repl records none; it runs the cells in order
            cell["execution_count"] = code_cells
        cell["outputs"] = final_states([o for o in cell.get("outputs", []) if not is_progress(o)])
        for output in cell["outputs"]:
            if output.get("output_type") == "error":
                show_error_message(output)
        for output in cell["outputs"]:
            error = cell_failure(output)
            if error:
                failures.append({"cell": cell["execution_count"], "source": first_line(cell.get("source")), "error": error})
                break
    if nb.get("nbformat") == 4 and nb.get("nbformat_minor", 0) < 5:
        nb["nbformat_minor"] = 5
    return code_cells, failures


def title_of(nb, fallback):
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            match = re.search(r"^#\s+(.+)$", text(cell.get("source")), re.MULTILINE)
            if match:
                return match.group(1).strip()
    return fallback


def atomic_write(path, content, mode=None):
    """Writes through a temp file in the same folder, then renames; mode defaults to what the umask allows."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(content)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp makes 0600 files; a report is for everyone who can read the folder
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def plotly_script(plotly_path):
    with open(plotly_path, encoding="utf-8") as f:
        js = f.read()
    if "</script" in js.lower():
        raise SystemExit(f"finalize_report: {plotly_path} contains '</script' and cannot be inlined as is")
    version = "unknown version"
    package = os.path.join(os.path.dirname(plotly_path), "package.json")
    if os.path.exists(package):
        with open(package, encoding="utf-8") as f:
            version = json.load(f).get("version", version)
    return f"<!-- plotly.js {version}, inlined by scripts/finalize_report.py -->\n<script>{js}</script>\n"


def page_classes(page):
    """Every class named in a class attribute anywhere in the page (scripts included: they may write markup)."""
    classes = set()
    for match in CLASS_ATTRIBUTE.finditer(page):
        classes.update(match.group(1).split())
    return classes


def css_blocks(css):
    """Top-level (prelude, body) pairs of a style sheet without comments; body is None for a statement such as
    @import ...; and the text between the braces otherwise. Strings are skipped when counting braces."""
    blocks, i, n = [], 0, len(css)
    while i < n:
        start, depth, quote = i, 0, None
        while i < n:
            c = css[i]
            if quote:
                if c == "\\":
                    i += 1
                elif c == quote:
                    quote = None
            elif c in "\"'":
                quote = c
            elif c == ";" and depth == 0 and css[start:i].lstrip().startswith("@"):
                blocks.append((css[start:i + 1].strip(), None))
                i += 1
                break
            elif c == "{":
                if depth == 0:
                    brace = i
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    blocks.append((css[start:brace].strip(), css[brace + 1:i]))
                    i += 1
                    break
            i += 1
        else:
            if css[start:].strip():  # an unfinished rule at the end stays as it was
                blocks.append((css[start:].strip(), None))
    return blocks


def split_declarations(body):
    """A declaration block split at its top-level semicolons (not those in url(data:...;base64,...) or strings)."""
    parts, depth, quote, start = [], 0, None, 0
    for i, c in enumerate(body):
        if quote:
            if c == quote and body[i - 1] != "\\":
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == ";" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    parts.append(body[start:])
    return parts


def used_declarations(body, used):
    """The block without the custom properties nothing reads (all of them kept when used is None)."""
    if used is None:
        return body
    parts = split_declarations(body)
    kept = [p for p in parts if not ((m := CUSTOM_PROPERTY.match(p)) and m.group(1) not in used)]
    return body if len(kept) == len(parts) else ";".join(kept)


def split_selectors(prelude):
    """A selector list split at its top-level commas (not those inside :is(...), :not(...) and the like)."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(prelude):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(prelude[start:i])
            start = i + 1
    parts.append(prelude[start:])
    return [p.strip() for p in parts if p.strip()]


def may_match(selector, classes):
    """False only when the selector needs a class that no element of the page has. The arguments of pseudo-classes
    (:not(.x) matches without .x) and attribute values are ignored; an escaped selector is kept."""
    if "\\" in selector:
        return True
    bare = re.sub(r"\[[^\]]*\]", "", selector)
    while True:
        inner = re.sub(r"\([^()]*\)", "", bare)
        if inner == bare:
            break
        bare = inner
    return all(name in classes for name in CSS_CLASS.findall(bare))


def prune_css(css, classes, used=None):
    """The style sheet with only the rules that may match, and (given the custom properties in use) without the
    custom properties nothing reads; @media and the like keep their matching rules."""
    kept = []
    for prelude, body in css_blocks(CSS_COMMENT.sub("", css)):
        if body is None:
            kept.append(prelude)
        elif prelude.lower().startswith(NESTING_AT_RULES):
            inner = prune_css(body, classes, used)
            if inner.strip():
                kept.append(f"{prelude} {{\n{inner}\n}}")
        elif prelude.startswith("@"):
            kept.append(f"{prelude} {{{body}}}")
        else:
            selectors = [sel for sel in split_selectors(prelude) if may_match(sel, classes)]
            body = used_declarations(body, used)
            if selectors and body.strip(" \t\n;"):
                kept.append(f"{', '.join(selectors)} {{{body}}}")
    return "\n".join(kept)


def prune_styles(page):
    """The page with each inline style sheet pruned to the rules that may match its elements, then to the custom
    properties that are read somewhere on the page (again until none goes: one may be read only by another)."""
    classes = page_classes(page)
    used = None
    while True:
        pruned = STYLE_BLOCK.sub(lambda m: m.group(1) + "\n" + prune_css(m.group(2), classes, used).strip("\n") + "\n" + m.group(3), page)
        now = set(CUSTOM_PROPERTY_USE.findall(pruned))
        if pruned == page and now == used:
            return pruned
        page, used = pruned, now


def portable(page, plotly, title):
    """The nbconvert page with external scripts removed, plotly inlined first in <head> and a readable title."""
    page = MATHJAX_BLOCK.sub("", page)
    page = EXTERNAL_SCRIPT.sub("", page)
    page = prune_styles(page)
    page = re.sub(r"<title>.*?</title>", lambda _: f"<title>{html.escape(title)}</title>", page, count=1, flags=re.DOTALL)
    # A link to the next notebook (NN-name.ipynb) should open its report, which sits beside this one.
    page = re.sub(r'href="(\d\d-[^"/]+)\.ipynb"', r'href="\1.html"', page)
    head = re.search(r"<head\b[^>]*>", page, re.IGNORECASE)
    if head is None:
        raise SystemExit("finalize_report: nbconvert output has no <head>; cannot inline plotly.js")
    insert_at = head.end()
    charset = re.match(r"\s*<meta\s+charset=[^>]*>", page[insert_at:], re.IGNORECASE)
    if charset:  # the charset must stay within the first bytes of the page
        insert_at += charset.end()
    return page[:insert_at] + "\n" + plotly + page[insert_at:] if plotly else page


def body_of(page):
    end = page.lower().find("</head>")
    return page[end:] if end >= 0 else page


def export_html(nb, name):
    """Runs jupyter-nbconvert on a temporary copy of the tidied notebook; returns the page."""
    with tempfile.TemporaryDirectory(prefix="finalize_report.") as work:
        source = os.path.join(work, name + ".ipynb")
        with open(source, "w", encoding="utf-8") as f:
            json.dump(nb, f, indent=1, ensure_ascii=False)
        run = subprocess.run(["jupyter-nbconvert", "--to", "html", "--log-level=ERROR", "--output-dir", work,
                              "--output", name, source], capture_output=True, text=True)
        produced = os.path.join(work, name + ".html")
        if run.returncode != 0 or not os.path.exists(produced):
            sys.stderr.write(run.stderr)
            raise SystemExit(f"finalize_report: jupyter-nbconvert failed on {name} (exit {run.returncode}); see above")
        with open(produced, encoding="utf-8") as f:
            return f.read()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("executed", help="notebook executed by dotnet-repl; tidied in place")
    parser.add_argument("report", help="HTML report to write")
    parser.add_argument("--plotly", required=True, help="path of the plotly.js bundle to inline")
    parser.add_argument("--seconds", default="?", help="how long the notebook ran, for the summary line")
    parser.add_argument("--repl-exit", type=int, default=0, help="dotnet-repl's exit status (2: a cell failed)")
    args = parser.parse_args(argv)
    name = os.path.splitext(os.path.basename(args.report))[0]
    if not os.path.exists(args.plotly):
        raise SystemExit(f"finalize_report: {args.plotly} not found; unpack the npm package plotly.js-cartesian-dist-min there (./build.sh setup)")
    with open(args.executed, encoding="utf-8") as f:
        nb = json.load(f)
    cells, failures = tidy(nb)
    atomic_write(args.executed, json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    page = export_html(nb, name)
    # A page without charts does without the 1.4 MB of plotly.js.
    plotly = plotly_script(args.plotly) if CHART_CALL.search(body_of(page)) else ""
    page = portable(page, plotly, title_of(nb, name))
    atomic_write(args.report, page)
    body = body_of(page)
    charts, images = len(CHART_CALL.findall(body)), len(IMG_TAG.findall(body))
    print(f"{name}: {args.seconds} s, {cells} cells, {len(failures)} failed, {charts} charts, {images} images")
    for failure in failures:
        print(f"  {name}: cell In [{failure['cell']}] failed: {failure['source']!r}: {failure['error']}")
    if args.repl_exit not in (0, 2):
        print(f"  {name}: dotnet-repl exited with {args.repl_exit}; the notebook may not have run to the end")
    elif args.repl_exit == 2 and not failures:
        print(f"  {name}: dotnet-repl reported a failed cell (exit 2) but no cell recorded an error; see {args.executed}")
    return 1 if failures or args.repl_exit != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
