#!/usr/bin/env python3
"""Check that HTML reports are self-contained and that their charts really draw (Python 3 stdlib + chromium).

    check_report.py REPORT.html...

Static checks: every <img> is a data: URI; no src/href/CSS url() loads anything from http(s)://, // or file://
(plain <a href="https://..."> links are allowed: following a link is the reader's choice, not a load).
Browser check: headless chromium with the network off loads the page; every chart script must have become a plot
(one plotly "plot-container" per Plotly.newPlot call), every trace must have been drawn as its own type (a type the
inlined plotly.js bundle lacks is drawn as an empty scatter, without an error), every slider of a layout must be drawn,
and the page must log no uncaught JavaScript error. (Chromium loads a copy of the page with a probe script that reads
what plotly.js drew.)
A live display (data-live-display="ID", scripts/finalize_report.py) must appear once, in its final state.
Prints one line per problem; exit 0 when all reports pass, 1 otherwise.
"""
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter

from finalize_report import LIVE_DISPLAY

CHART_CALL = re.compile(r"Plotly\.newPlot\(")
TAG = re.compile(r"<(?P<name>[a-zA-Z][a-zA-Z0-9]*)\b(?P<attrs>[^<>]*)>")
ATTR = re.compile(r"""\b(?P<key>src|href)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))""", re.IGNORECASE)
CSS_URL = re.compile(r"""url\(\s*['"]?(?P<url>[^'")]+)""", re.IGNORECASE)
EXTERNAL = re.compile(r"^\s*(https?:|file:|//)", re.IGNORECASE)
PLOT_CONTAINER = re.compile(r"""class="[^"]*\bplot-container\b""")
PROBE_ID = "denoise-check-report"
PROBE_RESULT = re.compile(r'<pre id="' + PROBE_ID + r'">(.*?)</pre>', re.DOTALL)
# Runs after the page's own scripts: per plot, the trace types asked for and those plotly.js drew, and its sliders.
PROBE = """<script>
window.addEventListener('load', function () {
  setTimeout(function () {
    var charts = Array.prototype.map.call(document.querySelectorAll('.js-plotly-plot'), function (div) {
      return {
        id: div.id,
        asked: (div.data || []).map(function (t) { return t.type || 'scatter'; }),
        drawn: (div._fullData || []).map(function (t) { return t.type; }),
        sliders: ((div.layout || {}).sliders || []).length,
        drawnSliders: div.querySelectorAll('.slider-container').length
      };
    });
    var out = document.createElement('pre');
    out.id = '""" + PROBE_ID + """';
    out.textContent = JSON.stringify(charts);
    document.body.appendChild(out);
  }, 1000);
});
</script>
"""
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--proxy-server=127.0.0.1:9",
                  "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000"]


def split_head(page):
    end = page.lower().find("</head>")
    return (page[:end], page[end:]) if end >= 0 else ("", page)


def without_scripts(page):
    """The page without the contents of inline scripts, whose strings may look like tags."""
    return re.sub(r"(<script\b[^>]*>).*?(</script>)", r"\1\2", page, flags=re.IGNORECASE | re.DOTALL)


def static_problems(page):
    problems = []
    markup = without_scripts(page)
    for tag in TAG.finditer(markup):
        name = tag.group("name").lower()
        for attr in ATTR.finditer(tag.group("attrs")):
            value = attr.group("dq") or attr.group("sq") or attr.group("bare") or ""
            key = attr.group("key").lower()
            if name == "img" and key == "src" and not value.startswith("data:"):
                problems.append(f"image not embedded as a data: URI: <img src=\"{value[:80]}\">")
            elif EXTERNAL.match(value) and not (name == "a" and not value.lower().startswith("file:")):
                problems.append(f"external reference: <{name} {key}=\"{value[:80]}\">")
    for url in CSS_URL.finditer(markup):
        if EXTERNAL.match(url.group("url")):
            problems.append(f"external reference in CSS: url({url.group('url')[:80]})")
    if re.search(r"@import\s+['\"]?(https?:|//|file:)", markup, re.IGNORECASE):
        problems.append("external CSS @import")
    for display, count in Counter(LIVE_DISPLAY.findall(markup)).items():
        if count > 1:
            problems.append(f"live display {display} shown {count} times; a report keeps its final state only")
    return problems


def with_probe(page):
    """The page with the probe script at the end of its body."""
    end = page.lower().rfind("</body>")
    return page[:end] + PROBE + page[end:] if end >= 0 else page + PROBE


def chart_problems(dom):
    """What the probe found wrong with the drawn charts: trace types the bundle lacks, sliders not drawn."""
    found = PROBE_RESULT.search(dom)
    if found is None:
        return ["the chart probe did not run (did a script stop the page?)"]
    problems = []
    for chart in json.loads(html.unescape(found.group(1))):
        for asked, drawn in zip(chart["asked"], chart["drawn"]):
            if asked != drawn:
                problems.append(f"chart {chart['id']}: a {asked} trace was drawn as {drawn}; is {asked} in the inlined plotly.js bundle?")
        if len(chart["drawn"]) != len(chart["asked"]):
            problems.append(f"chart {chart['id']}: {len(chart['asked'])} trace(s) asked for, {len(chart['drawn'])} drawn")
        if chart["drawnSliders"] < chart["sliders"]:
            problems.append(f"chart {chart['id']}: {chart['sliders']} slider(s) in its layout, {chart['drawnSliders']} drawn")
    return problems


def browser(path):
    """(dumped DOM, chromium's stderr) for the page at path with the probe added, loaded with the network off."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("check_report: chromium not found; install Debian's chromium package")
    work = tempfile.mkdtemp(prefix="check_report.")
    try:
        with open(path, encoding="utf-8") as f:
            probed = with_probe(f.read())
        page = os.path.join(work, os.path.basename(path))
        with open(page, "w", encoding="utf-8") as f:
            f.write(probed)
        run = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={os.path.join(work, 'profile')}", "--dump-dom",
                              "file://" + page], capture_output=True, text=True, timeout=180)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if run.returncode != 0 or "<html" not in run.stdout.lower():
        raise SystemExit(f"check_report: chromium could not load {path} (exit {run.returncode}): {run.stderr.strip()[-300:]}")
    return run.stdout, run.stderr


def js_errors(log):
    return [line.split('"', 1)[-1].rstrip('"., ')[:200]
            for line in log.splitlines() if "CONSOLE" in line and re.search(r"Uncaught|Error", line)]


def check(path):
    with open(path, encoding="utf-8") as f:
        page = f.read()
    _, body = split_head(page)
    charts = len(CHART_CALL.findall(body))
    problems = static_problems(page)
    dom, log = browser(path)
    drawn = len(PLOT_CONTAINER.findall(dom))
    if drawn != charts:
        problems.append(f"{charts} chart(s) in the page but {drawn} drawn by plotly.js in chromium")
    if "Chart not drawn" in without_scripts(dom):
        problems.append("a chart reports that plotly.js was not loaded (is it inlined in <head>?)")
    if charts:
        problems += chart_problems(dom)
    problems += [f"JavaScript error: {e}" for e in js_errors(log)]
    return charts, problems


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    failed = 0
    for path in paths:
        charts, problems = check(path)
        name = os.path.basename(path)
        if problems:
            failed += 1
            for problem in problems:
                print(f"check_report: {name}: {problem}")
        else:
            print(f"check_report: {name}: ok ({charts} chart(s) drawn, self-contained)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
