"""Shared fixtures: a real stub server, isolated cache and key, small images on disk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.stub_server import StubServer


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's key, URL or cache."""
    monkeypatch.delenv("ROBOFLOW_API_KEY", raising=False)
    monkeypatch.delenv("RF_NOTEBOOK_API_URL", raising=False)
    monkeypatch.setenv("RF_NOTEBOOK_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def stub() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


def write_image(
    path: Path, size: tuple[int, int] = (64, 48), seed: int = 0, fmt: str | None = None
) -> Path:
    rng = np.random.default_rng(seed)
    array = rng.integers(0, 255, size=(size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(array).save(path, format=fmt)
    return path


@pytest.fixture
def images(tmp_path: Path) -> list[Path]:
    """Six distinct small JPEGs and PNGs of different sizes."""
    folder = tmp_path / "images"
    folder.mkdir()
    out = []
    for i in range(6):
        ext = "jpg" if i % 2 == 0 else "png"
        out.append(write_image(folder / f"img_{i}.{ext}", (40 + 8 * i, 30 + 4 * i), seed=i))
    return out
