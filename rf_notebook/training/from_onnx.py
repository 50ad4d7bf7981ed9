"""Recover a trainable :class:`ShapesNet` from a shipped ONNX export, to fine-tune it.

The training checkpoint is not shipped (the package keeps only the ONNX files), and the
exporter folds every batch norm into the conv before it: the file holds ``W' = γW/σ`` and
``b' = β - γμ/σ`` per conv. This module puts those numbers back into the PyTorch modules,
with each batch norm re-parameterised so the network computes exactly what the file does:

- the conv gets ``W'``;
- the batch norm gets the running mean ``m`` and variance ``v`` of ``W'x`` measured on real
  images, weight ``sqrt(v + eps)`` and bias ``m + b'``.

In eval mode that is the identity plus ``b'``, whatever ``m`` and ``v`` are; measuring them
on images means the first training steps, which normalise by batch statistics, see almost
the same function too, instead of one whose activations are far off their scale.

Convs are matched to modules by exporting a fresh network the same way: the two graphs have
the same Conv nodes in the same order (checked, shape by shape).

Example:
    >>> shipped = "rf_notebook/models/shapes-segment/1/model.onnx"
    >>> net = net_from_onnx(shipped, images)  # doctest: +SKIP
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from torch import nn

from ..datasets.shapes import CLASS_NAMES
from .nets import DetectExport, ShapesNet


def _conv_weights(model: onnx.ModelProto) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """``(weight, bias)`` of every Conv node in graph order, float32 (fp16 storage undone)."""
    values = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    for node in model.graph.node:  # store_weights_as_float16 puts Cast nodes in front
        if node.op_type == "Cast" and node.input[0] in values:
            values[node.output[0]] = values[node.input[0]].astype(np.float32)
        if node.op_type == "Identity" and node.input[0] in values:  # deduplicated constants
            values[node.output[0]] = values[node.input[0]]
        if node.op_type == "Constant":
            values[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    found = []
    for node in model.graph.node:
        if node.op_type != "Conv":
            continue
        weight = values[node.input[1]].astype(np.float32)
        bias = values[node.input[2]].astype(np.float32) if len(node.input) > 2 else None
        found.append((weight, bias))
    return found


def _conv_modules(net: ShapesNet, size: int) -> list[tuple[nn.Conv2d, nn.BatchNorm2d | None]]:
    """Each Conv node of ``net``'s segmentation export, as its module and the BN after it."""
    for module in net.modules():  # distinct weights, identity batch norms: matchable exports
        if isinstance(module, nn.BatchNorm2d):
            nn.init.ones_(module.weight)
            nn.init.zeros_(module.bias)
            module.running_mean.zero_()
            module.running_var.fill_(1.0 - module.eps)
    convs: list[tuple[nn.Conv2d, nn.BatchNorm2d | None]] = []
    for module in net.modules():
        if isinstance(module, nn.Sequential):
            parts = list(module.children())
            for i, part in enumerate(parts):
                if isinstance(part, nn.Conv2d):
                    after = parts[i + 1] if i + 1 < len(parts) else None
                    convs.append((part, after if isinstance(after, nn.BatchNorm2d) else None))
    buffer = io.BytesIO()
    torch.onnx.export(
        DetectExport(net, with_masks=True).eval(),
        (torch.zeros(1, 3, size, size),),
        buffer,
        opset_version=17,
        dynamo=False,
    )
    ordered = []
    for weight, _ in _conv_weights(onnx.load_from_string(buffer.getvalue())):
        match = [c for c in convs if _same(c[0].weight.detach().numpy(), weight)]
        if len(match) != 1:
            raise RuntimeError("could not match an exported conv to exactly one module")
        ordered.append(match[0])
    return ordered


def net_from_onnx(path: str | Path, images: torch.Tensor, size: int = 320) -> ShapesNet:
    """A :class:`ShapesNet` computing what ``path`` (a segmentation export) computes.

    ``images`` (``(B, 3, S, S)``, 0–1) set the batch-norm statistics; a few dozen scenes
    are plenty.

    Example:
        >>> images = stack_images(examples[:64])  # doctest: +SKIP
        >>> net = net_from_onnx("shapes-segment/1/model.onnx", images)  # doctest: +SKIP
    """
    with torch.no_grad():
        return _recover(path, images, size)


def _recover(path: str | Path, images: torch.Tensor, size: int) -> ShapesNet:
    shipped = _conv_weights(onnx.load(str(path)))
    net = ShapesNet(len(CLASS_NAMES))
    modules = _conv_modules(net, size)
    if len(modules) != len(shipped):
        raise RuntimeError(f"{path}: {len(shipped)} convs, the network has {len(modules)}")
    net.eval()
    for (conv, norm), (weight, bias) in zip(modules, shipped, strict=True):
        if tuple(conv.weight.shape) != weight.shape:
            raise RuntimeError(f"{path}: conv shape {weight.shape} != {tuple(conv.weight.shape)}")
        conv.weight.copy_(torch.from_numpy(weight))
        if norm is None:
            if conv.bias is None or bias is None:
                raise RuntimeError(f"{path}: a conv without batch norm must have a bias")
            conv.bias.copy_(torch.from_numpy(bias))
        else:  # identity for now, so the activations below are the file's
            norm.weight.fill_(1.0)
            norm.bias.copy_(torch.from_numpy(bias if bias is not None else 0 * weight[:, 0, 0, 0]))
            norm.running_mean.zero_()
            norm.running_var.fill_(1.0 - norm.eps)
    # Measure each conv's output statistics, then fold them into its batch norm.
    stats: dict[nn.Conv2d, tuple[torch.Tensor, torch.Tensor]] = {}
    hooks = [
        conv.register_forward_hook(
            lambda module, _, out: stats.__setitem__(
                module, (out.mean((0, 2, 3)), out.var((0, 2, 3), unbiased=False))
            )
        )
        for conv, norm in modules
        if norm is not None
    ]
    net(images)
    for hook in hooks:
        hook.remove()
    for conv, norm in modules:
        if norm is None:
            continue
        mean, var = stats[conv]
        norm.running_mean.copy_(mean)
        norm.running_var.copy_(var)
        norm.bias.add_(mean)
        norm.weight.copy_((var + norm.eps).sqrt())
    _check_same_outputs(net, path, images[:2])
    return net


def _check_same_outputs(net: ShapesNet, path: str | Path, images: torch.Tensor) -> None:
    """Refuse a recovered network whose outputs are not the file's (up to float32 rounding)."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    side = session.get_inputs()[0].shape[-1]
    if isinstance(side, int) and side != images.shape[-1]:  # the file's fixed input size
        images = torch.nn.functional.interpolate(images, size=(side, side), mode="bilinear")
    boxes, proto = DetectExport(net.eval(), with_masks=True)(images)
    for i in range(len(images)):
        want = session.run(None, {session.get_inputs()[0].name: images[i : i + 1].numpy()})
        for got, ref in zip((boxes[i : i + 1], proto[i : i + 1]), want, strict=True):
            error = float(np.abs(got.numpy() - ref).max() / max(np.abs(ref).max(), 1e-6))
            if error > 1e-4:
                raise RuntimeError(f"{path}: the recovered network is off by {error:.1e}")


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    # The identity batch norm folds in as 1/sqrt((1 - eps) + eps): equal up to float32 rounding.
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-5, atol=0))
