"""``GET /samples/{name}``: the shipped sample images, so an ``image=`` URL works offline."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from ..datasets import sample_dir
from .problems import Problem

__all__ = ["router"]

router = APIRouter(tags=["samples"])


@router.get("/samples/{name}", summary="A sample image")
def sample_image(name: str) -> FileResponse:
    """One image of the 48-image sample set (``sample-000.jpg`` … ``sample-047.jpg``)."""
    folder = sample_dir() / "images"
    path = folder / name
    if "/" in name or "\\" in name or not path.is_file() or path.parent != folder:
        raise Problem(404, f"no sample image {name!r}; names run sample-000.jpg to sample-047.jpg")
    return FileResponse(path, media_type="image/jpeg")
