"""Train the four default models and export them to ONNX: ``python -m rf_notebook.training``.

Seeded and reproducible on the CPU (``torch.use_deterministic_algorithms``). The defaults
(3,000 images of 320 px, half of them hard scenes, 26 epochs, each batch at 320, 352, 384 or
416 px, exported at 384 px and the dominant-shape classifier at 320) take about three hours
on 2 quiet cores;
``--checkpoint`` saves every epoch so an interrupted run resumes, and ``--init`` fine-tunes
from an earlier checkpoint (layers it lacks start fresh) or from the shipped
``shapes-segment/1/model.onnx`` itself (see :mod:`.from_onnx`). Writes
``<out>/<project>/1/model.onnx`` and ``model.json`` for ``shapes-detect``, ``-segment``,
``-classify`` and ``-multilabel``.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from ..datasets.shapes import CLASS_NAMES
from ..server.runtime.metadata import ModelMetadata, ResizeMode, TaskType, write_metadata
from .compact import store_weights_as_float16
from .data import Example, batches, make_examples, stack_images
from .from_onnx import net_from_onnx
from .losses import detection_losses
from .nets import DetectExport, ShapeScores, ShapesNet

TRAIN_SEED, VALID_SEED = 1, 2  # the quality test generates a third, fresh seed


def _schedule(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / warmup
    return 0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def train_detector(
    train: list[Example],
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    log: list[dict[str, float]],
    checkpoint: Path | None = None,
    init: Path | None = None,
    sizes: tuple[int, ...] = (),
) -> ShapesNet:
    """Detection and segmentation trained together on one network.

    With ``checkpoint``, the state is saved after every epoch and a run picks up where
    an interrupted one stopped (same data, same schedule). ``init`` starts a new run from
    an earlier checkpoint's weights; layers that checkpoint lacks start fresh. ``sizes``
    trains each batch at one of these input sizes (the scenes resized as the server would).
    """
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    net = ShapesNet(len(CLASS_NAMES))
    if init is not None and not (checkpoint is not None and checkpoint.exists()):
        if init.suffix == ".onnx":  # a shipped export: batch norms re-fitted on 64 images
            net = net_from_onnx(init, stack_images(train[:64]))
            print(f"started from {init}")
        else:
            state = torch.load(init, weights_only=False)["net"]
            missing, _ = net.load_state_dict(state, strict=False)
            fresh = sorted({k.split(".")[0] for k in missing})
            print(f"started from {init}; fresh layers: {fresh}")
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=5e-4)
    steps_per_epoch = math.ceil(len(train) / batch_size)
    total, step, first = epochs * steps_per_epoch, 0, 0
    if checkpoint is not None and checkpoint.exists():
        state = torch.load(checkpoint, weights_only=False)
        net.load_state_dict(state["net"])
        opt.load_state_dict(state["opt"])
        first, step = state["epoch"], state["step"]
        rng.bit_generator.state = state["rng"]
        log.extend(state["log"])
        print(f"resuming after epoch {first}", flush=True)
    for epoch in range(first, epochs):
        net.train()
        started, sums = time.perf_counter(), {"cls": 0.0, "box": 0.0, "mask": 0.0}
        for i, batch in enumerate(batches(train, batch_size, rng, sizes=sizes)):
            for group in opt.param_groups:
                group["lr"] = lr * _schedule(step, total, warmup=steps_per_epoch)
            losses = detection_losses(net(stack_images(batch)), batch, with_masks=True)
            loss = losses["cls"] + 2.5 * losses["box"] + losses["mask"]
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 10.0)
            opt.step()
            step += 1
            for k, v in losses.items():
                sums[k] += float(v.detach()) / steps_per_epoch
            if i % 25 == 0:
                print(
                    f"  epoch {epoch + 1} batch {i}/{steps_per_epoch} "
                    f"{time.perf_counter() - started:.0f} s",
                    flush=True,
                )
        entry = {"epoch": epoch + 1, "seconds": time.perf_counter() - started, **sums}
        log.append(entry)
        print(json.dumps({k: round(v, 4) for k, v in entry.items()}), flush=True)
        if checkpoint is not None:
            torch.save(
                {
                    "net": net.state_dict(),
                    "opt": opt.state_dict(),
                    "epoch": epoch + 1,
                    "step": step,
                    "rng": rng.bit_generator.state,
                    "log": log,
                },
                checkpoint,
            )
    net.eval()
    return net


def _export(
    module: torch.nn.Module, folder: Path, outputs: list[str], size: int, metadata: ModelMetadata
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        module,
        (torch.zeros(1, 3, size, size),),
        str(folder / "model.onnx"),
        input_names=["images"],
        output_names=outputs,
        opset_version=17,
        dynamo=False,
    )
    store_weights_as_float16(folder / "model.onnx")
    write_metadata(folder, metadata)


def export_all(net: ShapesNet, out: Path, size: int, classify_size: int | None = None) -> None:
    """Write the four model folders; all four run the one trained network.

    ``classify_size`` (default ``size``) is the dominant-shape classifier's own input size:
    it reads the largest shape's mask area, which suffers first when the network sees
    shapes bigger than it trained on.
    """
    names = tuple(CLASS_NAMES)
    det = TaskType.OBJECT_DETECTION
    seg = TaskType.INSTANCE_SEGMENTATION
    cls = TaskType.CLASSIFICATION
    lb = ResizeMode.LETTERBOX
    _export(
        DetectExport(net).eval(),
        out / "shapes-detect" / "1",
        ["output0"],
        size,
        ModelMetadata(det, names, size, size, resize=lb, description="rf-notebook shapes detector"),
    )
    _export(
        DetectExport(net, with_masks=True).eval(),
        out / "shapes-segment" / "1",
        ["output0", "output1"],
        size,
        ModelMetadata(
            seg, names, size, size, resize=lb, description="rf-notebook shapes segmenter"
        ),
    )
    top = classify_size or size
    _export(
        ShapeScores(net, dominant=True).eval(),
        out / "shapes-classify" / "1",
        ["output0"],
        top,
        ModelMetadata(cls, names, top, top, resize=lb, description="dominant shape"),
    )
    _export(
        ShapeScores(net, dominant=False).eval(),
        out / "shapes-multilabel" / "1",
        ["output0"],
        size,
        ModelMetadata(
            cls, names, size, size, multilabel=True, resize=lb, description="shapes present"
        ),
    )


def _earlier_log(init: Path | None, out: Path) -> dict[str, Any] | None:
    """The training log of the models ``init`` (an ONNX file inside ``out``) came from."""
    path = out / "training-log.json"
    if init is None or init.suffix != ".onnx" or not path.exists():
        return None
    if not init.resolve().is_relative_to(out.resolve()):
        return None
    earlier: dict[str, Any] = json.loads(path.read_text())
    return earlier


def main(argv: list[str] | None = None) -> int:
    """Train, export and write a training log next to the models."""
    parser = argparse.ArgumentParser(prog="python -m rf_notebook.training", description=__doc__)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).resolve().parent.parent / "models"
    )
    parser.add_argument("--train", type=int, default=3000, help="training images")
    parser.add_argument("--epochs", type=int, default=26)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--size", type=int, default=384, help="network input size, as exported")
    parser.add_argument(
        "--classify-size", type=int, default=320, help="shapes-classify's input size"
    )
    parser.add_argument("--scene-size", type=int, default=320, help="generated images' side")
    parser.add_argument(
        "--train-sizes",
        type=lambda text: tuple(int(v) for v in text.split(",")),
        default=(320, 352, 384, 416),
        help="comma-separated input sizes to train at, one drawn per batch",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--hard-fraction", type=float, default=0.5, help="share of hard scenes in training"
    )
    parser.add_argument(
        "--data-seed", type=int, default=TRAIN_SEED, help="seed of the generated training set"
    )
    parser.add_argument(
        "--init",
        type=Path,
        default=None,
        help="start from this checkpoint's weights, or a shipped shapes-segment model.onnx",
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--checkpoint", type=Path, default=None, help="save after every epoch and resume from here"
    )
    parser.add_argument(
        "--export-checkpoint",
        action="store_true",
        help="skip training: export the --checkpoint as it is",
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    started = time.perf_counter()
    earlier = _earlier_log(args.init, args.out)
    log: dict[str, list[dict[str, float]]] = {"detector": []}
    if args.export_checkpoint:
        if args.checkpoint is None or not args.checkpoint.exists():
            parser.error("--export-checkpoint needs an existing --checkpoint")
        net = ShapesNet(len(CLASS_NAMES))
        state = torch.load(args.checkpoint, weights_only=False)
        net.load_state_dict(state["net"])
        net.eval()
        log["detector"] = state["log"]
    else:
        sizes = args.train_sizes or (args.size,)
        train = make_examples(
            args.data_seed,
            args.train,
            args.scene_size,
            hard_fraction=args.hard_fraction,
            sizes=sizes,
        )
        print(f"generated {len(train)} images in {time.perf_counter() - started:.0f} s", flush=True)
        net = train_detector(
            train,
            args.epochs,
            args.batch,
            args.lr,
            args.seed,
            log["detector"],
            args.checkpoint,
            args.init,
            sizes,
        )
    export_all(net, args.out, args.size, args.classify_size)
    summary = {
        "train_images": args.train,
        "train_seed": args.data_seed,
        "args": {k: str(v) for k, v in vars(args).items()},
        "seconds": time.perf_counter() - started,
        "parameters": {"detector": sum(p.numel() for p in net.parameters())},
        "log": log,
    }
    if earlier:  # fine-tuned from the models in --out: their history goes on
        epochs = earlier["log"]["detector"]
        for entry in log["detector"]:
            epochs.append({**entry, "epoch": len(epochs) + 1})
        summary["log"] = {"detector": epochs}
        summary["seconds"] = float(earlier.get("seconds", 0.0)) + float(summary["seconds"])
        summary["history"] = (
            f"{earlier.get('history', '')} Then {len(log['detector'])} more epoch(s) fine-tuned "
            f"from the shipped ONNX (`--init`) on {args.train} images (seed {args.data_seed})."
        ).strip()
    (args.out / "training-log.json").write_text(json.dumps(summary, indent=1))
    print(f"done in {(time.perf_counter() - started) / 60:.1f} min → {args.out}", flush=True)
    return 0
