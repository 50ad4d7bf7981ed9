"""The ``rf-notebook make-dataset`` subcommand.

Example:
    >>> import argparse
    >>> parser = argparse.ArgumentParser(prog="rf-notebook")
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["make-dataset", "out", "--size", "416x320"]).size
    (416, 320)
"""

from __future__ import annotations

import argparse
import sys

from .make import FORMATS, make_dataset, parse_formats

__all__ = ["add_parser", "run"]


def _size(text: str) -> int | tuple[int, int]:
    try:
        if "x" in text.lower():
            width, height = text.lower().split("x")
            return int(width), int(height)
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected PX or WxH, got {text!r}") from None


def _formats(text: str) -> tuple[str, ...]:
    try:
        return parse_formats(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Add the ``make-dataset`` subcommand.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.

    Returns:
        The new subparser; its ``func`` default is :func:`run`.

    Example:
        >>> parser = argparse.ArgumentParser()
        >>> sub = add_parser(parser.add_subparsers())
        >>> sub.prog.endswith("make-dataset")
        True
    """
    parser = subparsers.add_parser(
        "make-dataset",
        help="generate the synthetic shapes dataset",
        description="Generate the synthetic shapes dataset (circle, square, triangle, star) "
        "with train/valid/test splits in COCO, YOLO, Pascal VOC and classification layouts.",
    )
    parser.add_argument("out_dir", metavar="OUT_DIR", help="output folder")
    parser.add_argument("--train", type=int, default=200, help="train images (default 200)")
    parser.add_argument("--valid", type=int, default=50, help="valid images (default 50)")
    parser.add_argument("--test", type=int, default=50, help="test images (default 50)")
    parser.add_argument("--seed", type=int, default=0, help="dataset seed (default 0)")
    parser.add_argument(
        "--size", type=_size, default=320, help="image side PX or WxH (default 320)"
    )
    parser.add_argument(
        "--formats",
        type=_formats,
        default=FORMATS,
        help=f"comma-separated subset of {','.join(FORMATS)} (default all)",
    )
    parser.add_argument(
        "--roboflow-coco",
        action="store_true",
        help="add Roboflow's super-category at COCO category id 0",
    )
    parser.add_argument("--quality", type=int, default=90, help="JPEG quality (default 90)")
    parser.add_argument("--overwrite", action="store_true", help="replace earlier output")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run ``make-dataset`` with parsed arguments.

    Args:
        args: The namespace parsed by the subparser from :func:`add_parser`.

    Returns:
        ``0`` on success, ``2`` on a bad argument or existing output.

    Example:
        >>> import tempfile
        >>> parser = argparse.ArgumentParser()
        >>> _ = add_parser(parser.add_subparsers())
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     argv = ["make-dataset", tmp, "--train", "1", "--valid", "0", "--test", "0"]
        ...     run(parser.parse_args([*argv, "--formats", "voc", "--quiet"]))  # doctest: +ELLIPSIS
        wrote 1 images (train 1, valid 0, test 0) as voc to ...
        0
    """
    try:
        out = make_dataset(
            args.out_dir,
            n_train=args.train,
            n_valid=args.valid,
            n_test=args.test,
            seed=args.seed,
            image_size=args.size,
            formats=args.formats,
            roboflow_coco=args.roboflow_coco,
            jpeg_quality=args.quality,
            overwrite=args.overwrite,
            show_progress=not args.quiet,
        )
    except (ValueError, FileExistsError) as error:
        sys.stderr.write(f"rf-notebook make-dataset: error: {error}\n")
        return 2
    total = args.train + args.valid + args.test
    counts = f"train {args.train}, valid {args.valid}, test {args.test}"
    sys.stdout.write(f"wrote {total} images ({counts}) as {','.join(args.formats)} to {out}\n")
    return 0
