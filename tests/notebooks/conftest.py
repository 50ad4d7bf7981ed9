"""Helpers for the notebook tests: a copy of notebooks/, free ports, artifacts on failure.

Notebooks never run in the repository itself: each test works on a temporary copy, so the
outputs, the sample copy and the caches they write never land in the tree.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Generator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "test-artifacts" / "notebooks"

#: Variables that would point a child Python or Jupyter at something other than what the
#: test chose (the developer's key, another environment, their Jupyter settings).
_LEAKY = (
    "ROBOFLOW_API_KEY",
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "VIRTUAL_ENV",
    "JUPYTER_PATH",
    "JUPYTER_CONFIG_DIR",
    "JUPYTER_CONFIG_PATH",
    "JUPYTER_DATA_DIR",
    "JUPYTER_RUNTIME_DIR",
    "JUPYTER_PREFER_ENV_PATH",
    "IPYTHONDIR",
    "MPLBACKEND",
)

FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember on the test whether any phase failed, so fixtures can save artifacts."""
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


def failed(request: pytest.FixtureRequest) -> bool:
    """Whether the test that requested this fixture has failed so far."""
    return request.node.stash.get(FAILED, False)


def artifact_name(request: pytest.FixtureRequest) -> str:
    """A file-name-safe name for the test, for its artifacts."""
    return re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])


def save_artifact(source: Path, name: str) -> None:
    """Copy ``source`` (if it exists) to test-artifacts/notebooks/ as ``name``."""
    if source.is_file():
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, ARTIFACTS / name)


def copy_notebooks(destination: Path) -> Path:
    """Copy the committed notebooks (``*.ipynb`` only) to ``destination``."""
    destination.mkdir(parents=True, exist_ok=True)
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        shutil.copy2(notebook, destination / notebook.name)
    return destination


def child_env(home: Path, bin_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for a notebook kernel or server, kept inside ``home``.

    Jupyter's config, data and runtime folders and IPython's profile live in ``home``, so
    nothing of the developer's own set-up (kernels, extensions, startup files) takes part.
    ``bin_dir`` goes first on ``PATH``. ``RF_NOTEBOOK_CACHE_DIR`` is kept (the autouse
    fixture in tests/conftest.py points it at the test's temporary folder).
    """
    env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
    for name in ("config", "data", "runtime", "ipython"):
        (home / name).mkdir(parents=True, exist_ok=True)
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_DATA_DIR=str(home / "data"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        IPYTHONDIR=str(home / "ipython"),
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONUNBUFFERED="1",
    )
    if bin_dir is not None:
        env["PATH"] = str(bin_dir) + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port
