"""Tests of the report scripts' pure parts (no dotnet, no nbconvert, no chromium).

    python3 -m unittest discover -s tests/scripts
"""
import html
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))

import check_report  # noqa: E402
import clean_notebooks  # noqa: E402
import finalize_report  # noqa: E402


def code(source, *outputs):
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": list(outputs), "execution_count": None}


def html_output(html):
    return {"output_type": "display_data", "data": {"text/html": html}, "metadata": {}}


NBCONVERT_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8" />
<title>tmpname</title><script src="file:///usr/share/javascript/requirejs/require.min.js"></script>
<style>body {}</style>
<script src="https://cdn.plot.ly/plotly-latest.min.js"></script>
<!-- Load mathjax -->
    <script src="file:///usr/share/javascript/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"> </script>
    <script type="text/x-mathjax-config">init_mathjax();</script>
    <!-- End of mathjax configuration --></head>
<body><div id="c1"></div><script>Plotly.newPlot('c1', data, layout);</script></body></html>
"""


class TidyTests(unittest.TestCase):
    def test_progress_ticks_are_dropped_and_the_installed_packages_output_kept(self):
        ticks = [html_output(f"<div><strong>Installing Packages</strong><ul><li>X{'.' * i}</li></ul></div>") for i in range(5)]
        done = html_output("<div><strong>Installed Packages</strong><ul><li>X, 1.0</li></ul></div>")
        nb = {"nbformat": 4, "nbformat_minor": 5, "cells": [code('#r "nuget: X, 1.0"', *ticks, done)]}

        cells, failures = finalize_report.tidy(nb)

        self.assertEqual((cells, failures), (1, []))
        self.assertEqual(nb["cells"][0]["outputs"], [done])

    def test_a_failed_cell_is_named_by_its_number_first_source_line_and_first_error_line(self):
        error = {"output_type": "error", "ename": "Error", "traceback": [],
                 "evalue": "System.IO.FileNotFoundException: train-images: not found\n   at Submission#3"}
        nb = {"cells": [{"cell_type": "markdown", "source": "# T"}, code(["\n", "var x = Load();\n", "x"], error)]}

        _, failures = finalize_report.tidy(nb)

        self.assertEqual(failures, [{"cell": 1, "source": "var x = Load();",
                                     "error": "System.IO.FileNotFoundException: train-images: not found"}])

    def test_error_messages_reach_the_traceback_that_nbconvert_shows(self):
        runtime = {"output_type": "error", "ename": "Error", "evalue": "System.Exception: boom\n   at Submission#3",
                   "traceback": ["   at Submission#3"]}
        compile_error = {"output_type": "error", "ename": "Error", "traceback": [""],
                         "evalue": "(1,18): error CS0029: Cannot implicitly convert type 'string' to 'int'"}
        already_shown = {"output_type": "error", "ename": "Error", "evalue": "E: x", "traceback": ["E: x", "  at y"]}
        nb = {"cells": [code("a", runtime), code("b", compile_error), code("c", already_shown)]}

        finalize_report.tidy(nb)

        self.assertEqual([c["outputs"][0]["traceback"] for c in nb["cells"]], [
            ["System.Exception: boom", "   at Submission#3"],
            ["(1,18): error CS0029: Cannot implicitly convert type 'string' to 'int'"],
            ["E: x", "  at y"],
        ])

    def test_code_cells_are_numbered_in_run_order(self):
        nb = {"cells": [code("a"), {"cell_type": "markdown", "source": "# T"}, code("b")]}

        finalize_report.tidy(nb)

        self.assertEqual([c.get("execution_count") for c in nb["cells"]], [1, None, 2])

    def test_stderr_fails_a_cell_only_when_it_reports_an_error(self):
        warning = {"output_type": "stream", "name": "stderr", "text": "downloading...\n"}
        crash = {"output_type": "stream", "name": "stderr", "text": "step 1\nUnhandled exception. Boom\n"}
        nb = {"cells": [code("a", warning), code("b", crash)]}

        _, failures = finalize_report.tidy(nb)

        self.assertEqual([(f["cell"], f["error"]) for f in failures], [(2, "Unhandled exception. Boom")])

    def test_cells_get_the_ids_nbformat_4_5_requires(self):
        nb = {"nbformat": 4, "nbformat_minor": 4, "cells": [code("a"), {"cell_type": "markdown", "source": "", "id": "keep"}]}

        finalize_report.tidy(nb)

        self.assertEqual([c["id"] for c in nb["cells"]], ["cell-1", "keep"])
        self.assertEqual(nb["nbformat_minor"], 5)


def live(display_id, state):
    """One state of a live training display as dotnet-repl records it: a new display_data, no display id of its own."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": f'<div data-live-display="{display_id}" style="font-family:monospace"><div>{state}</div></div>',
                     "text/plain": state}}


class LiveDisplayTests(unittest.TestCase):
    def test_each_live_display_keeps_only_its_last_state_where_its_first_state_was(self):
        log = {"output_type": "stream", "name": "stdout", "text": "loading\n"}
        chart = html_output("<div>chart</div>")
        outputs = [log, live("a", "waiting"), live("b", "b 1/2"), live("a", "epoch 1/2"), chart, live("a", "done"),
                   live("b", "b 2/2")]
        nb = {"cells": [code("trainer.Fit(data, TrainingDisplay.Show())", *outputs)]}

        finalize_report.tidy(nb)

        self.assertEqual(nb["cells"][0]["outputs"], [log, live("a", "done"), live("b", "b 2/2"), chart])

    def test_outputs_with_a_jupyter_display_id_collapse_the_same_way(self):
        first = {"output_type": "display_data", "data": {"text/plain": "1"}, "metadata": {}, "transient": {"display_id": "x"}}
        last = {"output_type": "update_display_data", "data": {"text/plain": "2"}, "metadata": {}, "transient": {"display_id": "x"}}
        other = {"output_type": "display_data", "data": {"text/plain": "other"}, "metadata": {}}

        self.assertEqual(finalize_report.final_states([first, other, last]), [last, other])

    def test_equal_looking_outputs_of_different_displays_are_all_kept(self):
        self.assertEqual(finalize_report.final_states([live("a", "done"), live("b", "done")]), [live("a", "done"), live("b", "done")])
        plain = html_output("<div>same</div>")
        self.assertEqual(finalize_report.final_states([plain, plain]), [plain, plain])

    def test_a_report_showing_a_live_display_twice_fails_the_static_check(self):
        page = ('<html><head></head><body><div data-live-display="a"><div>1/2</div></div>'
                '<div data-live-display="a"><div>done</div></div><div data-live-display="b"></div></body></html>')

        self.assertEqual(check_report.static_problems(page),
                         ["live display a shown 2 times; a report keeps its final state only"])


class PortableTests(unittest.TestCase):
    def test_plotly_is_inlined_once_before_any_script_and_external_scripts_are_gone(self):
        page = finalize_report.portable(NBCONVERT_PAGE, "<script>/*PLOTLY*/</script>\n", "Noise & you")

        self.assertEqual(page.count("/*PLOTLY*/"), 1)
        self.assertLess(page.index("/*PLOTLY*/"), page.index("<script>Plotly.newPlot"))
        self.assertTrue(page.startswith('<!DOCTYPE html>\n<html><head><meta charset="utf-8" />\n<script>/*PLOTLY*/'))
        for gone in ("file://", "https://", "mathjax", "MathJax"):
            self.assertNotIn(gone, page)
        self.assertIn("<title>Noise &amp; you</title>", page)
        self.assertEqual(check_report.static_problems(page), [])

    def test_a_page_without_charts_gets_no_plotly_but_still_loses_external_scripts(self):
        page = finalize_report.portable(NBCONVERT_PAGE, "", "T")

        self.assertNotIn("file://", page)
        self.assertEqual(check_report.static_problems(page), [])

    def test_links_to_the_next_notebook_open_its_report(self):
        page = finalize_report.portable('<html><head></head><body><a href="02-model-and-training.ipynb">next</a></body></html>', "", "T")

        self.assertIn('<a href="02-model-and-training.html">next</a>', page)

    def test_report_title_is_the_first_level_one_heading(self):
        nb = {"cells": [{"cell_type": "markdown", "source": ["Intro\n", "## Not this\n", "# Denoising MNIST\n"]}]}

        self.assertEqual(finalize_report.title_of(nb, "03-train"), "Denoising MNIST")
        self.assertEqual(finalize_report.title_of({"cells": []}, "03-train"), "03-train")


class PruneStylesTests(unittest.TestCase):
    CSS = """/* JupyterLab's */
:root { --jp-ui-font-size1: 13px; --jp-icon: url(data:image/svg+xml;base64,A;B); --jp-a: var(--jp-b); --jp-b: 1px; }
body, .bp3-dark .bp3-button { margin: 0; font-size: var(--jp-ui-font-size1); }
.bp3-dark { --jp-ui-font-size1: 14px; width: var(--jp-b); }
.jp-Cell .jp-InputArea { display: flex; }
.bp3-button:not(.bp3-minimal) { color: red; }
.jp-Cell:not(.bp3-minimal) { color: blue; }
a[href$=".bp3-x"] { color: green; }
.jp-Cell[data-x="}{"] { content: "} .bp3-y {"; }
@media print { .bp3-popover { display: none; } .jp-Cell { break-inside: avoid; } }
@media screen { .bp3-popover { display: block; } }
@font-face { font-family: X; src: url(data:font/woff2;base64,AAAA); }
@keyframes spin { from { transform: rotate(0); } to { transform: rotate(1turn); } }
@import url(x.css);
"""

    def test_only_rules_that_can_match_an_element_of_the_page_stay_and_only_custom_properties_read_somewhere(self):
        page = f'<html><head><style type="text/css">{self.CSS}</style></head><body class="jp-Notebook">' \
               '<div class="jp-Cell jp-mod-x"><div class=\'jp-InputArea\'></div></div></body></html>'

        css = finalize_report.STYLE_BLOCK.search(finalize_report.prune_styles(page)).group(2)

        self.assertEqual([line for line in css.split("\n") if line], [
            ":root { --jp-ui-font-size1: 13px; }",
            "body { margin: 0; font-size: var(--jp-ui-font-size1); }",
            ".jp-Cell .jp-InputArea { display: flex; }",
            ".jp-Cell:not(.bp3-minimal) { color: blue; }",
            'a[href$=".bp3-x"] { color: green; }',
            '.jp-Cell[data-x="}{"] { content: "} .bp3-y {"; }',
            "@media print {",
            ".jp-Cell { break-inside: avoid; }",
            "}",
            "@font-face { font-family: X; src: url(data:font/woff2;base64,AAAA); }",
            "@keyframes spin { from { transform: rotate(0); } to { transform: rotate(1turn); } }",
            "@import url(x.css);",
        ])

    def test_classes_written_by_a_script_count_as_the_page_s(self):
        page = ('<style>.dni-treeview { white-space: nowrap; } .bp3-dark { color: black; }</style>'
                '<script>el.innerHTML = "<table class=\\"dni-treeview\\"></table>";</script>')

        self.assertEqual(finalize_report.prune_styles(page),
                         '<style>\n.dni-treeview { white-space: nowrap; }\n</style>'
                         '<script>el.innerHTML = "<table class=\\"dni-treeview\\"></table>";</script>')


class StaticCheckTests(unittest.TestCase):
    def test_external_loads_and_linked_images_are_reported_but_plain_links_are_not(self):
        page = ('<head><link rel="stylesheet" href="//cdn.example.com/a.css"></head><body>'
                '<a href="https://keras.io/examples/vision/autoencoder/">the Keras example</a>'
                '<img src="grid.png"><img src="data:image/png;base64,iVBORw0KGgo=">'
                '<a href="file:///work/x.html">local</a>'
                '<div style="background: url(https://example.com/bg.png)"></div>'
                '<script>var s = "<img src=\\"https://in.a/string\\">";</script></body>')

        problems = check_report.static_problems(page)

        self.assertEqual(problems, [
            'external reference: <link href="//cdn.example.com/a.css">',
            'image not embedded as a data: URI: <img src="grid.png">',
            'external reference: <a href="file:///work/x.html">',
            "external reference in CSS: url(https://example.com/bg.png)",
        ])


class ChartProbeTests(unittest.TestCase):
    def test_the_probe_runs_after_the_page_s_own_scripts(self):
        page = check_report.with_probe("<html><body><script>Plotly.newPlot('a', d, l);</script></body></html>")

        self.assertLess(page.index("Plotly.newPlot"), page.index(check_report.PROBE_ID))
        self.assertTrue(page.endswith("</script>\n</body></html>"))

    def test_a_trace_type_the_bundle_lacks_and_an_undrawn_slider_are_named(self):
        found = [{"id": "a", "asked": ["scatter", "heatmap"], "drawn": ["scatter", "heatmap"], "sliders": 1, "drawnSliders": 1},
                 {"id": "b", "asked": ["scatter3d"], "drawn": ["scatter"], "sliders": 1, "drawnSliders": 0}]
        dom = f'<body><pre id="{check_report.PROBE_ID}">{html.escape(json.dumps(found))}</pre></body>'

        self.assertEqual(check_report.chart_problems(dom), [
            "chart b: a scatter3d trace was drawn as scatter; is scatter3d in the inlined plotly.js bundle?",
            "chart b: 1 slider(s) in its layout, 0 drawn",
        ])

    def test_a_page_whose_probe_never_ran_fails(self):
        self.assertEqual(check_report.chart_problems("<body></body>"), ["the chart probe did not run (did a script stop the page?)"])


class CleanNotebooksTests(unittest.TestCase):
    def test_outputs_and_execution_counts_are_cleared_and_markdown_untouched(self):
        cell = code("1+1", {"output_type": "execute_result", "data": {"text/plain": "2"}})
        cell["execution_count"] = 3
        markdown = {"cell_type": "markdown", "source": "# T", "metadata": {}}
        nb = {"cells": [markdown, cell]}

        self.assertEqual(clean_notebooks.dirty_cells(nb), [2])
        clean_notebooks.clean(nb)

        self.assertEqual(clean_notebooks.dirty_cells(nb), [])
        self.assertEqual((cell["outputs"], cell["execution_count"], cell["source"]), ([], None, "1+1"))
        self.assertEqual(nb["cells"][0], {"cell_type": "markdown", "source": "# T", "metadata": {}})


if __name__ == "__main__":
    unittest.main()
