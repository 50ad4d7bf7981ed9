"""One synthetic image and its exact annotations, as a pure function of ``(seed, index)``.

A scene is a textured background with distractor lines and dots, one large "hero"
shape, smaller labelled shapes and unlabelled look-alikes, stacked in a random
order so later shapes occlude earlier ones. Annotations describe what is visible:

- An object's mask is its *visible* (modal) footprint: its pixels not covered by
  anything drawn above it, minus specks under 12 pixels cut off by an occluder.
- A labelled shape whose visible area is under ``min_visible_fraction`` of its
  full area, or under ``min_visible_area`` pixels, is removed from the scene (not
  drawn at all), so every drawn labelled shape is annotated.
- The box is the exact extent of the visible mask; polygons trace it
  (see :mod:`rf_notebook.datasets.polygons`).
- The dominant class, for single-label classification, is the class of the object
  with the largest visible area. A scene is redrawn (up to 8 times) until that
  area is at least ``dominant_margin`` times the largest one of any other class.

Example:
    >>> sample = generate_sample(seed=0, index=3)
    >>> sample.image.shape
    (320, 320, 3)
    >>> sample.dominant_class_name in CLASS_NAMES
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from .core import HARD_CASES, Sample, SceneConfig, ShapeObject, image_size_wh
from .polygons import mask_box, mask_polygons
from .render import contrasting_color, degrade, paint_shape, render_background
from .shapes import (
    CLASS_NAMES,
    LOOKALIKE_NAMES,
    Raster,
    ShapeSpec,
    outline,
    outline_area,
    rasterize,
)

__all__ = ["generate_sample"]

_MIN_PART_AREA = 12
_MAX_ATTEMPTS = 8
_STAR_INNER = (0.38, 0.55)
_PARAM_RANGES = {
    "star": _STAR_INNER,
    "ellipse": (0.45, 0.72),
    "rectangle": (0.4, 0.68),
    "rounded_square": (0.35, 0.7),
}

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True, eq=False)
class _Placed:
    spec: ShapeSpec
    raster: Raster
    labelled: bool


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(math.exp(rng.uniform(math.log(low), math.log(max(high, low)))))


def _param(rng: np.random.Generator, kind: str) -> float:
    low, high = _PARAM_RANGES.get(kind, (0.5, 0.5))
    return float(rng.uniform(low, high))


def _area_factor(kind: str, param: float) -> float:
    return outline_area(outline(ShapeSpec(kind, 0.0, 0.0, 1.0, 0.0, param)))


def _plan(
    rng: np.random.Generator, side: int, hard: tuple[str, ...], config: SceneConfig
) -> list[tuple[str, float, float, bool]]:
    """Choose ``(kind, radius, param, labelled)`` for each shape, in stacking order."""
    tiny = "tiny" in hard
    hero_kind = CLASS_NAMES[int(rng.integers(len(CLASS_NAMES)))]
    hero_param = _param(rng, hero_kind)
    hero_radius = side * (rng.uniform(0.06, 0.1) if tiny else _log_uniform(rng, 0.07, 0.2))
    hero_area = hero_radius**2 * _area_factor(hero_kind, hero_param)
    plans = [(hero_kind, hero_radius, hero_param, True)]
    if tiny:
        n_others = int(rng.integers(5, 13))
    elif "occlusion" in hard:
        n_others = int(rng.integers(3, config.max_objects + 1))
    else:
        n_others = int(rng.integers(0, config.max_objects))
    for _ in range(n_others):
        kind = CLASS_NAMES[int(rng.integers(len(CLASS_NAMES)))]
        param = _param(rng, kind)
        cap = min(hero_radius, math.sqrt(0.6 * hero_area / _area_factor(kind, param)))
        low = 5.0 if tiny else max(5.0, 0.03 * side)
        radius = rng.uniform(5.0, 10.0) if tiny else _log_uniform(rng, low, cap)
        plans.append((kind, min(radius, cap), param, True))
    n_lookalikes = int(rng.integers(3, 7)) if "lookalikes" in hard else 0
    if not n_lookalikes and rng.random() < 0.35:
        n_lookalikes = int(rng.integers(1, 3))
    for _ in range(n_lookalikes):
        kind = LOOKALIKE_NAMES[int(rng.integers(len(LOOKALIKE_NAMES)))]
        radius = _log_uniform(rng, 8.0, max(9.0, min(0.15 * side, hero_radius * 1.1)))
        plans.append((kind, radius, _param(rng, kind), False))
    order = rng.permutation(len(plans))
    return [plans[i] for i in order]


def _window(raster: Raster, width: int, height: int) -> tuple[int, int, int, int]:
    return max(raster.x0, 0), max(raster.y0, 0), min(raster.x1, width), min(raster.y1, height)


def _clipped(raster: Raster, window: tuple[int, int, int, int]) -> BoolArray:
    x0, y0, x1, y1 = window
    return raster.mask[y0 - raster.y0 : y1 - raster.y0, x0 - raster.x0 : x1 - raster.x0]


def _layout(
    rng: np.random.Generator, width: int, height: int, hard: tuple[str, ...], config: SceneConfig
) -> list[_Placed]:
    occupied = np.zeros((height, width), dtype=bool)
    crowded = "occlusion" in hard
    max_overlap = 0.85 if crowded else 0.25
    placed: list[_Placed] = []
    for kind, radius, param, labelled in _plan(rng, min(width, height), hard, config):
        for _ in range(12):
            if crowded and placed and rng.random() < 0.7:
                anchor = placed[int(rng.integers(len(placed)))].spec
                reach = (anchor.radius + radius) * rng.uniform(0.2, 0.8)
                theta = rng.uniform(0, 2 * math.pi)
                cx, cy = anchor.cx + reach * math.cos(theta), anchor.cy + reach * math.sin(theta)
            else:
                cx = rng.uniform(0.5 * radius, width - 1 - 0.5 * radius)
                cy = rng.uniform(0.5 * radius, height - 1 - 0.5 * radius)
            spec = ShapeSpec(kind, cx, cy, radius, rng.uniform(0, 2 * math.pi), param)
            raster = rasterize(outline(spec))
            window = _window(raster, width, height)
            x0, y0, x1, y1 = window
            if x0 >= x1 or y0 >= y1:
                continue
            inside = _clipped(raster, window)
            covered = np.count_nonzero(inside & occupied[y0:y1, x0:x1])
            if covered <= max_overlap * max(int(np.count_nonzero(inside)), 1):
                occupied[y0:y1, x0:x1] |= inside
                placed.append(_Placed(spec, raster, labelled))
                break
    return placed


def _drop_specks(mask: BoolArray) -> BoolArray:
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    small = np.flatnonzero(stats[1:, cv2.CC_STAT_AREA] < _MIN_PART_AREA) + 1
    if small.size == 0:
        return mask
    kept: BoolArray = mask & ~np.isin(labels, small)
    return kept


def _visible(
    placed: list[_Placed], width: int, height: int, config: SceneConfig
) -> dict[int, BoolArray]:
    """Visible crop of each kept labelled shape, keyed by stacking position."""
    occupied = np.zeros((height, width), dtype=bool)
    visible: dict[int, BoolArray] = {}
    for position in range(len(placed) - 1, -1, -1):
        item = placed[position]
        window = _window(item.raster, width, height)
        x0, y0, x1, y1 = window
        inside = _clipped(item.raster, window)
        if item.labelled:
            crop = _drop_specks(inside & ~occupied[y0:y1, x0:x1])
            area = int(np.count_nonzero(crop))
            too_hidden = area < config.min_visible_fraction * item.raster.area
            if area < config.min_visible_area or too_hidden:
                continue
            visible[position] = crop
        occupied[y0:y1, x0:x1] |= inside
    return visible


def _dominant_ok(placed: list[_Placed], visible: dict[int, BoolArray], margin: float) -> bool:
    if not visible:
        return False
    areas = {p: int(np.count_nonzero(m)) for p, m in visible.items()}
    best = max(areas, key=lambda p: (areas[p], -p))
    best_kind = placed[best].spec.kind
    rivals = [a for p, a in areas.items() if placed[p].spec.kind != best_kind]
    return not rivals or areas[best] >= margin * max(rivals)


def _pick_hard_cases(rng: np.random.Generator, fraction: float) -> tuple[str, ...]:
    if rng.random() >= fraction:
        return ()
    count = 1 if rng.random() < 0.7 else 2
    picks = rng.choice(len(HARD_CASES), size=count, replace=False)
    return tuple(HARD_CASES[i] for i in sorted(picks))


def generate_sample(
    seed: int,
    index: int,
    *,
    image_size: int | tuple[int, int] = 320,
    config: SceneConfig | None = None,
) -> Sample:
    """Generate one image and its annotations, deterministically.

    The result depends only on ``(seed, index, image_size, config)``: the same
    arguments give byte-identical pixels and annotations in any process.

    Args:
        seed: Non-negative dataset seed.
        index: Non-negative image index within the dataset.
        image_size: Side length, or ``(width, height)``, in pixels.
        config: Generator settings; ``None`` uses :class:`SceneConfig` defaults.

    Returns:
        The :class:`Sample`.

    Raises:
        ValueError: If ``seed`` or ``index`` is negative, or the size is out of range.

    Example:
        >>> sample = generate_sample(seed=7, index=0, image_size=(416, 320))
        >>> (sample.width, sample.height)
        (416, 320)
    """
    if seed < 0 or index < 0:
        raise ValueError(f"seed and index must be non-negative, got {seed}, {index}")
    config = config or SceneConfig()
    width, height = image_size_wh(image_size)
    rng = np.random.default_rng(np.random.SeedSequence([seed, index]))
    hard = _pick_hard_cases(rng, config.hard_fraction)
    background = render_background(rng, width, height, clutter="clutter" in hard)
    for attempt in range(4 * _MAX_ATTEMPTS):
        placed = _layout(rng, width, height, hard, config)
        visible = _visible(placed, width, height, config)
        margin_ok = _dominant_ok(placed, visible, config.dominant_margin)
        if visible and (margin_ok or attempt >= _MAX_ATTEMPTS):
            break
    else:  # pragma: no cover - the hero is almost never hidden this often
        raise RuntimeError(f"could not compose a scene for seed={seed}, index={index}")
    image = background.copy()
    objects: list[ShapeObject] = []
    for position, item in enumerate(placed):
        if item.labelled and position not in visible:
            continue
        window = _window(item.raster, width, height)
        x0, y0, x1, y1 = window
        under = image[y0:y1, x0:x1][_clipped(item.raster, window)]
        low = "low_contrast" in hard and item.labelled and rng.random() < 0.7
        color = contrasting_color(rng, under.mean(axis=0), low_contrast=low)
        paint_shape(image, item.raster, color, rng)
        if item.labelled:
            objects.append(_make_object(item, visible[position], window, width, height))
    strength = 1.0 if "clutter" in hard else 0.5 if "low_contrast" in hard else rng.uniform(0, 0.4)
    areas = [o.area for o in objects]
    dominant = objects[max(range(len(objects)), key=lambda i: (areas[i], -i))].class_id
    return Sample(
        image=degrade(image, rng, strength=strength),
        objects=tuple(objects),
        dominant_class_id=dominant,
        present_class_ids=tuple(sorted({o.class_id for o in objects})),
        hard_cases=hard,
        lookalikes=tuple(item.spec.kind for item in placed if not item.labelled),
        seed=seed,
        index=index,
    )


def _make_object(
    item: _Placed, crop: BoolArray, window: tuple[int, int, int, int], width: int, height: int
) -> ShapeObject:
    x0, y0, x1, y1 = window
    mask = np.zeros((height, width), dtype=bool)
    mask[y0:y1, x0:x1] = crop
    area = int(np.count_nonzero(crop))
    raster = item.raster
    return ShapeObject(
        class_id=CLASS_NAMES.index(item.spec.kind),
        bbox=mask_box(crop, offset=(x0, y0)),
        polygons=mask_polygons(crop, offset=(x0, y0)),
        mask=mask,
        area=area,
        visible_fraction=area / raster.area,
        truncated=(x0, y0, x1, y1) != (raster.x0, raster.y0, raster.x1, raster.y1),
    )
