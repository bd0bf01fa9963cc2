"""Tests of the native-layout check and of the Jupyter run's verdicts (no dotnet, no nbconvert).

    python3 -m unittest discover -s tests/scripts
"""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))

import check_native_layout  # noqa: E402
import jupyter_result  # noqa: E402


def build_folder(root, rid, files, runtime_target=None):
    """A build output as the SDK lays it out: a deps.json naming its runtime target, and the given files."""
    os.makedirs(root, exist_ok=True)
    target = runtime_target if runtime_target is not None else f".NETCoreApp,Version=v10.0/{rid}"
    with open(os.path.join(root, "Denoise.Interactive.deps.json"), "w", encoding="utf-8") as f:
        json.dump({"runtimeTarget": {"name": target}}, f)
    for name in files:
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(b"\0")
    return root


class NativeLayoutTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def folder(self, rid, files, runtime_target=None):
        return build_folder(os.path.join(self.tmp.name, rid), rid, files, runtime_target)

    def test_each_platform_passes_with_its_natives_flat_beside_torchsharp(self):
        for rid, natives in check_native_layout.NATIVES.items():
            with self.subTest(rid=rid):
                self.assertIsNone(check_native_layout.problem(self.folder(rid, ["TorchSharp.dll", *natives]), rid))

    def test_a_build_without_a_runtime_identifier_fails_with_natives_under_runtimes(self):
        nested = [f"runtimes/win-x64/native/{n}" for n in check_native_layout.NATIVES["win-x64"]]
        folder = self.folder("any", ["TorchSharp.dll", *nested], runtime_target=".NETCoreApp,Version=v10.0")

        why = check_native_layout.problem(folder)

        self.assertIn("built without a runtime identifier", why)
        self.assertTrue(why.startswith(folder))

    def test_a_missing_native_is_named(self):
        folder = self.folder("osx-arm64", ["TorchSharp.dll", "libLibTorchSharp.dylib", "libc10.dylib"])

        why = check_native_layout.problem(folder, "osx-arm64")

        self.assertIn("lacks libtorch_cpu.dylib beside TorchSharp.dll", why)

    def test_another_platforms_natives_do_not_count(self):
        folder = self.folder("win-x64", ["TorchSharp.dll", *check_native_layout.NATIVES["linux-x64"]])

        self.assertIn("lacks LibTorchSharp.dll, torch_cpu.dll, c10.dll", check_native_layout.problem(folder, "win-x64"))

    def test_a_build_for_another_platform_than_asked_fails(self):
        folder = self.folder("linux-x64", ["TorchSharp.dll", *check_native_layout.NATIVES["linux-x64"]])

        self.assertIn("built for linux-x64, expected win-x64", check_native_layout.problem(folder, "win-x64"))

    def test_a_folder_without_torchsharp_is_not_taken_for_a_build(self):
        folder = self.folder("win-x64", check_native_layout.NATIVES["win-x64"])

        self.assertIn("no TorchSharp.dll", check_native_layout.problem(folder, "win-x64"))


# The tail of nbconvert 6.5's log when a .NET cell throws (nbclient 0.7's CellExecutionError text).
CELL_ERROR_LOG = """\
[NbConvertApp] Converting notebook runtime.ipynb to notebook
Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/nbclient/client.py", line 915, in _check_raise_for_error
    raise CellExecutionError.from_cell_and_msg(cell, exec_reply_content)
nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:
------------------

var noisy = Noise.Apply(clean);
noisy
------------------


Error: System.InvalidOperationException: deliberately broken
   at Submission#5.<<Initialize>>d__0.MoveNext()
"""

TIMEOUT_LOG = """\
Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/nbclient/client.py", line 852, in _async_poll_for_reply
    raise CellTimeoutError.error_from_timeout_and_cell(
nbclient.exceptions.CellTimeoutError: A cell timed out while it was being executed, after 120 seconds.
The message was: Cell execution timed out.
Here is a preview of the cell contents:
-------------------
var history = trainer.Fit(train);
-------------------
"""

NO_TOOL_LOG = """\
Could not execute because the specified command or file was not found.
Possible reasons for this include:
[NbConvertApp] ERROR | Error occurred while starting new kernel client for kernel e35: Kernel died before replying to kernel_info
Traceback (most recent call last):
  File "/usr/lib/python3/dist-packages/jupyter_client/client.py", line 202, in _async_wait_for_ready
    raise RuntimeError("Kernel died before replying to kernel_info")
RuntimeError: Kernel died before replying to kernel_info
"""


def code(source, *outputs, count=1):
    return {"cell_type": "code", "metadata": {}, "source": source, "outputs": list(outputs), "execution_count": count}


class JupyterResultTests(unittest.TestCase):
    def test_a_failed_cell_is_named_by_its_first_source_line_and_the_errors_first_line(self):
        self.assertEqual(jupyter_result.failure_reason(CELL_ERROR_LOG),
                         "cell 'var noisy = Noise.Apply(clean);' failed: "
                         "Error: System.InvalidOperationException: deliberately broken")

    def test_a_timeout_names_the_cell_and_the_limit(self):
        self.assertEqual(jupyter_result.failure_reason(TIMEOUT_LOG),
                         "cell 'var history = trainer.Fit(train);' timed out while it was being executed, "
                         "after 120 seconds (DENOISE_CELL_TIMEOUT sets the limit)")

    def test_a_missing_kernel_says_how_to_register_it(self):
        log = "Traceback (most recent call last):\njupyter_client.kernelspec.NoSuchKernel: No such kernel named .net-csharp\n"

        reason = jupyter_result.failure_reason(log)

        self.assertTrue(reason.startswith("NoSuchKernel: No such kernel named .net-csharp; "), reason)
        self.assertIn("./build.sh setup registers .net-csharp", reason)

    def test_a_kernel_whose_command_is_missing_says_where_the_tool_comes_from(self):
        reason = jupyter_result.failure_reason(NO_TOOL_LOG)

        self.assertTrue(reason.startswith("RuntimeError: Kernel died before replying to kernel_info; "), reason)
        self.assertIn("dotnet tool restore", reason)

    def test_a_clean_run_has_every_code_cell_executed_and_no_error(self):
        nb = {"cells": [{"cell_type": "markdown", "source": "# T"}, code("1 + 1", count=1), code("", count=None)]}

        self.assertEqual(jupyter_result.notebook_problem(nb), (None, 2))

    def test_an_unexecuted_cell_or_an_error_output_is_not_a_clean_run(self):
        error = {"output_type": "error", "ename": "Error", "evalue": "compilation error", "traceback": []}
        skipped = {"cells": [code("1 + 1"), code("Load()", count=None)]}
        failed = {"cells": [code(["Load()\n", "x"], error)]}

        self.assertEqual(jupyter_result.notebook_problem(skipped)[0], "code cell 2 'Load()' did not run")
        self.assertEqual(jupyter_result.notebook_problem(failed)[0], "cell 'Load()' failed: compilation error")


if __name__ == "__main__":
    unittest.main()
