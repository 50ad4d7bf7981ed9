"""binder/ works: a fresh venv from binder/requirements.txt plus postBuild runs the quickstart.

mybinder.org (repo2docker) installs ``binder/requirements.txt``, copies the repository and
runs ``binder/postBuild``. This test does the same in a venv of its own, then executes
``notebooks/01_quickstart.ipynb`` in that venv's kernel, offline (the local server and the
default models), and fails on any error output.

The venv is cached in ``.venv-binder/venv`` and rebuilt only when binder/requirements.txt
(or the Python running the tests) changes; postBuild runs every time, on a copy of the
repository, so the notebook always sees the code as it is now. The first build downloads
the requirements (a few minutes); later runs take well under a minute.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.version import Version

from tests.notebooks.conftest import (
    ROOT,
    artifact_name,
    child_env,
    copy_notebooks,
    save_artifact,
)

BINDER = ROOT / "binder"
REQUIREMENTS = BINDER / "requirements.txt"
CACHE = ROOT / ".venv-binder"
VENV = CACHE / "venv"
STAMP = CACHE / "requirements.sha256"
LOCK = CACHE / "build.lock"
QUICKSTART = "01_quickstart.ipynb"
#: The extras of pyproject.toml a notebook needs (not `train`: no torch on Binder).
EXTRAS = ("server", "widgets")

#: Run by the venv's Python: execute a notebook in the venv's own kernel, keep going past
#: errors (the test lists them all), and end with a cell that says where it ran.
EXECUTE = """
import sys
import nbformat
from nbclient import NotebookClient

source, target = sys.argv[1], sys.argv[2]
notebook = nbformat.read(source, as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(
    "import sys, rf_notebook\\nprint(sys.prefix)\\nprint(rf_notebook.__file__)"
))
client = NotebookClient(
    notebook, timeout=300, kernel_name="python3", allow_errors=True,
    resources={"metadata": {"path": "."}},
)
try:
    client.execute()
finally:
    nbformat.write(notebook, target)
"""


def bin_dir(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


def python_of(venv: Path) -> Path:
    return bin_dir(venv) / ("python.exe" if os.name == "nt" else "python")


def run(command: list[str], what: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Run ``command``; on failure, fail the test with the tail of its output."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        output = (done.stdout + done.stderr)[-6000:]
        pytest.fail(f"{what} failed (exit {done.returncode}):\n{output}", pytrace=False)
    return done


def fingerprint() -> str:
    """What the cached venv was built from: the requirements and the base Python."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes())
    digest.update(f"{sys.version}\n{sys.base_prefix}".encode())
    return digest.hexdigest()


@contextlib.contextmanager
def locked() -> Iterator[None]:
    """Hold .venv-binder/build.lock, so two test runs never share a venv mid-change."""
    CACHE.mkdir(exist_ok=True)
    with LOCK.open("w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no lock, runs are not concurrent there
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_venv() -> Path:
    """The venv with binder/requirements.txt installed, built afresh when they changed."""
    python = python_of(VENV)
    if STAMP.is_file() and STAMP.read_text().strip() == fingerprint() and python.exists():
        return VENV
    shutil.rmtree(VENV, ignore_errors=True)
    STAMP.unlink(missing_ok=True)
    run([sys.executable, "-m", "venv", str(VENV)], "creating the venv", timeout=300)
    run(
        [str(python), "-m", "pip", "install", "--quiet", "--requirement", str(REQUIREMENTS)],
        "pip install -r binder/requirements.txt",
        timeout=2400,
    )
    STAMP.write_text(fingerprint() + "\n")
    return VENV


def repository_copy(destination: Path) -> Path:
    """The files a clone would have (tracked and new, not ignored), as repo2docker sees them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    for name in listed.stdout.decode().split("\0"):
        source = ROOT / name
        if name and not name.startswith(".venv") and source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def lines_of(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def minimum(requirement: Requirement) -> Version | None:
    found = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "==")]
    return max(found, default=None)


def errors_in(notebook: dict[str, Any]) -> list[str]:
    """Each error output, with the start of the cell that raised it."""
    found = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                source = "".join(cell["source"]).strip().splitlines()[:3]
                found.append(f"{' / '.join(source)}\n  -> {output['ename']}: {output['evalue']}")
    return found


def test_binder_requirements_cover_the_runtime_and_are_minimums_only() -> None:
    # given
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    needed = [Requirement(r) for r in project["dependencies"]]
    for extra in EXTRAS:
        needed += [Requirement(r) for r in project["optional-dependencies"][extra]]
    # when
    binder = {Requirement(line).name.lower(): Requirement(line) for line in lines_of(REQUIREMENTS)}
    # then: every runtime, server and widgets dependency, at least pyproject's minimum
    for requirement in needed:
        assert requirement.name.lower() in binder, f"{requirement.name} missing in {REQUIREMENTS}"
        ours, theirs = minimum(binder[requirement.name.lower()]), minimum(requirement)
        if theirs is not None:
            assert ours is not None and ours >= theirs, f"{requirement}: binder has {ours}"
    # and the notebook app, no training stack, no exact pins, no local paths (postBuild's job)
    assert "jupyterlab" in binder and "ipykernel" in binder
    assert not {"torch", "rf-notebook"} & set(binder)
    for line in lines_of(REQUIREMENTS):
        assert "==" not in line and not line.startswith(("-e", ".", "/")), line
    # and postBuild is an executable script that installs the repository itself
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK), "binder/postBuild must be executable"
    assert post_build.read_text().startswith("#!")
    assert "pip install" in post_build.read_text()
    assert (BINDER / "runtime.txt").read_text().strip().startswith("python-3.")


@pytest.mark.slow
def test_quickstart_runs_in_a_fresh_binder_environment(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with locked():
        # given: the requirements in a venv of their own, then postBuild on a repository copy
        venv = ensure_venv()
        env = child_env(tmp_path / "home", bin_dir(venv), VIRTUAL_ENV=str(venv))
        repo = repository_copy(tmp_path / "repo")
        run([str(repo / "binder" / "postBuild")], "binder/postBuild", cwd=repo, env=env)
        run([str(python_of(venv)), "-m", "pip", "check"], "pip check", env=env)
        # when: the quickstart runs in that venv's kernel, in a copy of notebooks/
        work = copy_notebooks(tmp_path / "notebooks")
        executed = tmp_path / "executed.ipynb"
        done = subprocess.run(
            [str(python_of(venv)), "-c", EXECUTE, QUICKSTART, str(executed)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    # then: it ran to the end with no error output, on the venv's own rf_notebook
    try:
        assert done.returncode == 0, (done.stdout + done.stderr)[-6000:]
        notebook = json.loads(executed.read_text())
        assert errors_in(notebook) == []
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert all(c["execution_count"] for c in code), "a cell did not run"
        where = "".join(code[-1]["outputs"][0]["text"]).split()
        assert Path(where[0]).resolve() == venv.resolve(), "the kernel is not the venv's"
        assert Path(where[1]).resolve().is_relative_to(venv.resolve()), "rf_notebook"
    except BaseException:
        save_artifact(executed, f"{artifact_name(request)}.ipynb")
        raise
