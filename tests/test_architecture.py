"""Keep the arrows true: data flows image → transport → results → views → widgets.

Each package may import only what the layout allows; the server sits beside the client
and shares only results, images, drawing and errors. ``__all__`` stays sorted and complete.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "rf_notebook"

# module prefix → rf_notebook modules it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "rf_notebook.errors": ("rf_notebook.",),
    "rf_notebook.results": (
        "rf_notebook.client",
        "rf_notebook.transport",
        "rf_notebook.draw",
        "rf_notebook.server",
        "rf_notebook.widgets",
        "rf_notebook.evaluate",
    ),
    "rf_notebook.images": (
        "rf_notebook.client",
        "rf_notebook.results",
        "rf_notebook.server",
        "rf_notebook.widgets",
        "rf_notebook.draw",
    ),
    "rf_notebook.draw": (
        "rf_notebook.client",
        "rf_notebook.transport",
        "rf_notebook.server",
        "rf_notebook.widgets",
        "rf_notebook.evaluate",
        "rf_notebook.active_learning",
    ),
    "rf_notebook.tables": ("rf_notebook.client", "rf_notebook.server", "rf_notebook.widgets"),
    "rf_notebook.evaluate": ("rf_notebook.client", "rf_notebook.server", "rf_notebook.widgets"),
    "rf_notebook.active_learning": ("rf_notebook.server", "rf_notebook.widgets"),
    "rf_notebook.widgets": ("rf_notebook.client", "rf_notebook.server"),
    "rf_notebook.server": (
        "rf_notebook.client",
        "rf_notebook.widgets",
        "rf_notebook.evaluate",
        "rf_notebook.active_learning",
        "rf_notebook.tables",
    ),
    "rf_notebook.client": ("rf_notebook.server", "rf_notebook.widgets", "rf_notebook.draw"),
    "rf_notebook.datasets": ("rf_notebook.client", "rf_notebook.server", "rf_notebook.widgets"),
    "rf_notebook.__init__": ("rf_notebook.server", "rf_notebook.widgets", "rf_notebook.training"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts)


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if "training" not in p.parts)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_forbidden_imports(path: Path) -> None:
    module = _module_name(path)
    rules = [
        bad
        for prefix, bad in FORBIDDEN.items()
        if module == prefix
        or module.startswith(prefix + ".")
        or (prefix == "rf_notebook.__init__" and path == PACKAGE / "__init__.py")
    ]
    imported = _imports(path, module.removesuffix(".__init__"))
    for bad in (b for group in rules for b in group):
        offenders = sorted(i for i in imported if i.startswith(bad) and not i.startswith(module))
        if bad == "rf_notebook.":
            offenders = [o for o in offenders if o != "rf_notebook"]
        assert not offenders, f"{module} must not import {offenders}"


def test_importing_the_package_has_no_heavy_side_effects() -> None:
    import subprocess
    import sys

    code = (
        "import sys, rf_notebook; bad = [m for m in ('fastapi', 'onnxruntime', 'ipywidgets', "
        "'matplotlib', 'torch') if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["rf_notebook", "rf_notebook.results", "rf_notebook.server"])
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert exported == sorted(exported), f"{name}.__all__ is not sorted"
    for item in exported:
        assert hasattr(module, item), f"{name}.__all__ names {item!r}, which does not exist"
    public = {
        n
        for n, v in vars(module).items()
        if not n.startswith("_") and not isinstance(v, type(importlib))
    }
    public -= {"annotations", "PackageNotFoundError", "version"}
    assert public <= set(exported) | {"__version__"}, f"unlisted: {sorted(public - set(exported))}"


def test_py_typed_is_shipped() -> None:
    assert (PACKAGE / "py.typed").exists()
