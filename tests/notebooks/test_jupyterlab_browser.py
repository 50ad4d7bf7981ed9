"""02_explore_predictions.ipynb in a real JupyterLab, in headless Chromium, as a newcomer runs it.

JupyterLab runs from this venv on 127.0.0.1 (no token, a temporary copy of notebooks/ as its
root, its settings and Jupyter folders in a temporary home); Playwright drives Debian's
``/usr/bin/chromium`` (never a browser of its own). The test runs every cell from the Run
menu, checks every widget rendered, moves the Viewer's confidence slider with the keyboard
and checks the overlay image changed. A failing test leaves a screenshot, the JupyterLab
log and the browser console in ``test-artifacts/notebooks/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.notebooks.conftest import (
    ARTIFACTS,
    artifact_name,
    child_env,
    copy_notebooks,
    failed,
    free_port,
    save_artifact,
)
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOK = "02_explore_predictions.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: Settings a first-time user would otherwise be asked about, and full rendering of cells
#: (no windowing), so every cell and output is in the page to check.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}
STARTUP_S = 90  # JupyterLab up and answering
OPEN_S = 90  # the notebook open with an idle kernel
RUN_S = 150  # every cell executed (the notebook itself runs in well under a minute)
WIDGET_S = 30  # widgets drawn, the overlay redrawn after a slider move

#: The prompts of the code cells, and what a dialog (which would block everything) says.
PAGE_STATE = """() => ({
  prompts: Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt'))
    .map(e => e.textContent.trim()),
  kernel: document.querySelector('.jp-StatusBar-TextItem[title^="Change kernel"]')
    ?.textContent.split('|').pop().trim() ?? null,
  dialog: document.querySelector('.jp-Dialog')?.innerText ?? null,
})"""
FETCH_BYTES = """async (img) => {
  const response = await fetch(img.src);
  return Array.from(new Uint8Array(await response.arrayBuffer()));
}"""


@dataclass
class Lab:
    """A running JupyterLab: its URL, its root folder and where it logs."""

    url: str
    root: Path
    home: Path
    log: Path
    process: subprocess.Popen[bytes]

    def alive(self) -> bool:
        return self.process.poll() is None


@dataclass
class Console:
    lines: list[str] = field(default_factory=list)


def clear_outputs(path: Path) -> None:
    """Drop committed outputs, so every output checked comes from this run."""
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook["metadata"].pop("widgets", None)
    path.write_text(json.dumps(notebook, indent=1))


def write_user_settings(folder: Path) -> Path:
    for plugin, values in USER_SETTINGS.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return folder


def start_lab(root: Path, home: Path, log: Path) -> Lab:
    """JupyterLab from this venv (so its kernel is this venv's Python), on a free port."""
    port = free_port()
    # The venv's kernel spec comes first; nothing of the developer's Jupyter set-up counts.
    env = child_env(
        home, Path(sys.executable).parent, JUPYTER_PATH=str(Path(sys.prefix, "share", "jupyter"))
    )
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        "--IdentityProvider.token=",
        "--PasswordIdentityProvider.hashed_password=",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.allow_root=True",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.user_settings_dir={write_user_settings(home / 'lab-settings')}",
        f"--LabApp.workspaces_dir={home / 'lab-workspaces'}",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Lab(f"http://127.0.0.1:{port}", root, home, log, process)


def wait_until_serving(lab: Lab) -> bool:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline and lab.alive():
        try:
            if requests.get(f"{lab.url}/api/status", timeout=5).status_code == 200:
                return True
        except requests.ConnectionError:
            pass
        time.sleep(0.5)
    return False


def stop_lab(lab: Lab) -> None:
    """Stop the server (it shuts its kernels down), then anything left in its group."""
    if lab.alive():
        lab.process.terminate()
        try:
            lab.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.process.kill()
            lab.process.wait(timeout=10)
    # a kernel the server could not stop: in the server's own process group, started here
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(lab.process.pid, signal.SIGKILL)


@pytest.fixture
def lab(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Lab]:
    root = copy_notebooks(tmp_path / "notebooks")
    clear_outputs(root / NOTEBOOK)
    log = tmp_path / "jupyterlab.log"
    running = None
    for _ in range(3):  # the free port may be taken between the probe and the bind
        running = start_lab(root, tmp_path / "home", log)
        if wait_until_serving(running):
            break
        stop_lab(running)
    assert running is not None
    try:
        if not running.alive():
            save_artifact(log, f"{artifact_name(request)}.jupyterlab.log")
            pytest.fail(f"JupyterLab did not start:\n{log.read_text()[-4000:]}", pytrace=False)
        yield running
    finally:
        stop_lab(running)
        if failed(request):
            save_artifact(log, f"{artifact_name(request)}.jupyterlab.log")


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(lab: Lab, console: Console, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in Debian's Chromium; on failure, a screenshot and the console are saved.

    It needs ``lab`` so that the screenshot is taken while JupyterLab still runs.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium with "
            "`apt-get update && apt-get install -y chromium` (.ci/run does this)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.set_default_timeout(WIDGET_S * 1000)
        page.on("console", lambda m: console.lines.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda error: console.lines.append(f"pageerror: {error}"))
        try:
            yield page
        finally:
            if failed(request):
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                name = artifact_name(request)
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
                (ARTIFACTS / f"{name}.console.txt").write_text("\n".join(console.lines))
            context.close()
            browser.close()


# ---- Steps ---------------------------------------------------------------------------------


def wait_for(page: Any, done: Callable[[dict[str, Any]], bool], seconds: float, what: str) -> None:
    """Poll the page until ``done(state)``; fail at once if a dialog shows up."""
    deadline = time.monotonic() + seconds
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = page.evaluate(PAGE_STATE)
        if state["dialog"]:
            pytest.fail(f"a dialog blocks JupyterLab while {what}: {state['dialog']!r}")
        if done(state):
            return
        time.sleep(0.5)
    pytest.fail(f"timed out after {seconds} s {what}; last state: {state}")


def all_executed(state: dict[str, Any]) -> bool:
    prompts = state["prompts"]
    executed = all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)
    return bool(prompts) and executed and state["kernel"] == "Idle"


def open_notebook(page: Any, lab: Lab) -> None:
    page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}", timeout=OPEN_S * 1000)
    wait_for(page, lambda s: bool(s["prompts"]) and s["kernel"] == "Idle", OPEN_S, "opening")


def run_all_cells(page: Any) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    # the kernel goes busy at once; wait for every prompt to carry a number and for idle
    wait_for(page, all_executed, RUN_S, "running all cells")


def save_and_read(page: Any, lab: Lab) -> dict[str, Any]:
    """Save from the notebook's toolbar; the saved file has every output the page shows."""
    path = lab.root / NOTEBOOK
    before = path.stat().st_mtime_ns
    page.locator(".jp-NotebookPanel-toolbar [data-command='docmanager:save']").click()
    deadline = time.monotonic() + WIDGET_S
    while path.stat().st_mtime_ns == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert path.stat().st_mtime_ns != before, "the notebook was not saved"
    saved: dict[str, Any] = json.loads(path.read_text())
    return saved


def errors_in(notebook: dict[str, Any]) -> list[str]:
    return [
        f"{''.join(cell['source']).splitlines()[:1]} -> {out['ename']}: {out['evalue']}"
        for cell in notebook["cells"]
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def widget_outputs(notebook: dict[str, Any]) -> int:
    return sum(
        WIDGET_MIME in out.get("data", {})
        for cell in notebook["cells"]
        for out in cell.get("outputs", [])
    )


def kernel_prefix(lab: Lab) -> str:
    """``sys.prefix`` of the notebook's kernel, asked over its own connection file."""
    from jupyter_client import BlockingKernelClient

    kernels = requests.get(f"{lab.url}/api/kernels", timeout=10).json()
    assert len(kernels) == 1, kernels
    connection = lab.home / "runtime" / f"kernel-{kernels[0]['id']}.json"
    client = BlockingKernelClient(connection_file=str(connection))
    client.load_connection_file()
    client.start_channels()
    try:
        reply = client.execute_interactive(
            "", user_expressions={"prefix": "__import__('sys').prefix"}, timeout=30, silent=True
        )
    finally:
        client.stop_channels()
    value: str = reply["content"]["user_expressions"]["prefix"]["data"]["text/plain"]
    return value.strip("'\"")


def image_digest(image: Any) -> str:
    return hashlib.sha256(bytes(image.evaluate(FETCH_BYTES))).hexdigest()


# ---- The test ------------------------------------------------------------------------------


def test_explore_notebook_runs_in_jupyterlab_and_the_viewer_follows_the_slider(
    lab: Lab, page: Any, console: Console
) -> None:
    # given: the notebook open in JupyterLab, its kernel idle
    open_notebook(page, lab)
    # when: Run → Run All Cells
    run_all_cells(page)
    # then: every cell ran, none raised, on this venv's Python
    saved = save_and_read(page, lab)
    assert errors_in(saved) == []
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] for c in code), "a cell did not run"
    assert Path(kernel_prefix(lab)).resolve() == Path(sys.prefix).resolve()
    # and every widget rendered: as many drawn as the notebook displayed, none broken
    notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
    expected = widget_outputs(saved)
    assert expected >= 1, "the notebook displayed no widget"
    drawn = page.locator(".jp-OutputArea-output > .jupyter-widgets")
    deadline = time.monotonic() + WIDGET_S
    while drawn.count() < expected and time.monotonic() < deadline:
        time.sleep(0.5)
    text = notebook.inner_text()
    assert "Error displaying widget" not in text
    assert "Loading widget..." not in text
    assert drawn.count() == expected
    # and the Viewer's overlay is shown
    image = page.locator(".jp-OutputArea-output img.widget-image").first
    image.scroll_into_view_if_needed()
    assert image.is_visible()
    loaded = "img => img.complete && img.naturalWidth > 0"
    page.wait_for_function(loaded, arg=image.element_handle())
    source, digest = image.get_attribute("src"), image_digest(image)

    # when: the confidence slider moves to the top (keyboard, as a user would)
    slider = page.locator(
        ".widget-slider", has=page.locator(".widget-label", has_text=re.compile(r"^confidence$"))
    ).first
    handle, readout = slider.locator(".noUi-handle"), slider.locator(".widget-readout")
    handle.scroll_into_view_if_needed()
    value = readout.inner_text()
    handle.focus()
    page.keyboard.press("End")
    if readout.inner_text() == value:  # it was at the top already: go to the bottom
        page.keyboard.press("Home")
    assert readout.inner_text() != value, "the slider did not move"
    # then: the kernel redrew the overlay: a new image, with other pixels
    page.wait_for_function(
        "([img, before]) => img.src !== before && img.complete && img.naturalWidth > 0",
        arg=[image.element_handle(), source],
        timeout=WIDGET_S * 1000,
    )
    assert image_digest(image) != digest
    wait_for(page, lambda s: s["kernel"] == "Idle", WIDGET_S, "redrawing")
    assert [line for line in console.lines if line.startswith("pageerror")] == []
