"""Assignment and losses: centre sampling, IoU-aware class targets, GIoU, mask BCE."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .data import Example
from .nets import cell_centers

#: Largest box side (pixels) the stride-4 cells learn; stride-8 cells learn every size.
SMALL_SIDE = 32.0


def box_iou_pairs(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """IoU and GIoU of matching rows of ``a`` and ``b`` (corners)."""
    lt = torch.maximum(a[:, :2], b[:, :2])
    rb = torch.minimum(a[:, 2:], b[:, 2:])
    inter = (rb - lt).clamp(min=0).prod(1)
    area_a = (a[:, 2:] - a[:, :2]).clamp(min=0).prod(1)
    area_b = (b[:, 2:] - b[:, :2]).clamp(min=0).prod(1)
    union = area_a + area_b - inter + 1e-7
    iou = inter / union
    hull = (torch.maximum(a[:, 2:], b[:, 2:]) - torch.minimum(a[:, :2], b[:, :2])).prod(1) + 1e-7
    return iou, iou - (hull - union) / hull


def assign(
    example: Example, centers: torch.Tensor, strides: torch.Tensor, radius: float = 2.5
) -> torch.Tensor:
    """For each cell, the index of the object it learns (or -1).

    Stride-8 cells learn every object, stride-4 cells only the small ones (longest side up
    to :data:`SMALL_SIDE`). On each grid, a cell is a candidate for an object when its
    centre lies inside the box and within ``radius`` cells of the box centre; the
    smallest box wins ties; every object gets at least its nearest cell on each grid
    that learns it, so tiny shapes are never left out.
    """
    n = len(example.boxes)
    target = torch.full((len(centers),), -1, dtype=torch.long)
    if n == 0:
        return target
    boxes = torch.from_numpy(example.boxes)
    sides = boxes[:, 2:] - boxes[:, :2]
    cx, cy = centers[:, 0:1], centers[:, 1:2]
    inside = (cx > boxes[:, 0]) & (cx < boxes[:, 2]) & (cy > boxes[:, 1]) & (cy < boxes[:, 3])
    mid = (boxes[:, :2] + boxes[:, 2:]) / 2
    offset = centers[:, None, :] - mid[None]
    near = (offset.abs() < radius * strides[:, None, None]).all(-1)
    learns = (strides[:, None] > 4) | (sides.amax(1) <= SMALL_SIDE)[None]  # (cells, n)
    candidate = inside & near & learns
    distance = (offset**2).sum(-1)
    for stride in strides.unique():
        on_grid = (strides == stride).nonzero()[:, 0]
        nearest = on_grid[distance[on_grid].argmin(0)]
        candidate[nearest, torch.arange(n)] |= learns[nearest, torch.arange(n)]
    area = sides.prod(1).expand(len(centers), n)
    area = torch.where(candidate, area, torch.full_like(area, float("inf")))
    best = area.argmin(1)
    return torch.where(candidate.any(1), best, target)


def detection_losses(
    out: dict[str, torch.Tensor], batch: list[Example], with_masks: bool
) -> dict[str, torch.Tensor]:
    """Class (IoU-aware BCE), box (GIoU) and mask (BCE in the box) losses, per positive."""
    proto = out["proto"]
    ltrb, logits, coef = (out[k].transpose(1, 2) for k in ("ltrb", "logits", "coef"))
    size = batch[0].image.shape
    centers, strides = cell_centers(size[1], size[2])
    cls_target = torch.zeros_like(logits)
    box_loss, mask_loss, positives = logits.new_zeros(()), logits.new_zeros(()), 0
    for i, example in enumerate(batch):
        owner = assign(example, centers, strides)
        pos = owner >= 0
        if not pos.any():
            continue
        obj = owner[pos]
        gt = torch.from_numpy(example.boxes)[obj]
        d = ltrb[i, pos]
        pred = torch.cat([centers[pos] - d[:, :2], centers[pos] + d[:, 2:]], 1)
        iou, giou = box_iou_pairs(pred, gt)
        box_loss = box_loss + (1 - giou).sum()
        cls = torch.from_numpy(example.classes)[obj]
        cls_target[i, pos.nonzero()[:, 0], cls] = iou.detach().clamp(min=0.05)
        positives += int(pos.sum())
        if with_masks:
            mask_loss = mask_loss + _mask_loss(coef[i, pos], proto[i], example, obj, gt)
    norm = max(positives, 1)
    cls_loss = F.binary_cross_entropy_with_logits(logits, cls_target, reduction="sum") / norm
    losses = {"cls": cls_loss, "box": box_loss / norm}
    if with_masks:
        losses["mask"] = mask_loss / norm
    return losses


def _mask_loss(
    coef: torch.Tensor,
    proto: torch.Tensor,
    example: Example,
    obj: torch.Tensor,
    boxes: torch.Tensor,
) -> torch.Tensor:
    """BCE of ``sigmoid(coef · proto)`` against the object's mask, inside its box only."""
    c, ph, pw = proto.shape
    logits = (coef @ proto.reshape(c, -1)).reshape(-1, ph, pw)
    target = torch.from_numpy(example.masks).float()[obj]
    scale = ph / (example.image.shape[1])
    ys = torch.arange(ph).view(1, ph, 1) + 0.5
    xs = torch.arange(pw).view(1, 1, pw) + 0.5
    b = boxes * scale
    inside = (
        (xs >= b[:, 0, None, None])
        & (xs <= b[:, 2, None, None])
        & (ys >= b[:, 1, None, None])
        & (ys <= b[:, 3, None, None])
    ).float()
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction="none") * inside
    return (bce.sum((1, 2)) / inside.sum((1, 2)).clamp(min=1)).sum()
