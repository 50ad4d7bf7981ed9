"""``make demo``: the whole toolkit, end to end, offline, against the embedded local server.

Starts the local server with the default models, predicts the shipped sample set through
it, and writes ``demo-output/``: annotated images, a predictions CSV, the confusion summary
(heatmap and per-class table) and active-learning picks; then it runs the four notebooks
headlessly and saves their HTML renderings (``--no-notebooks`` skips that).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .batch import Batch
from .client import Client
from .datasets import sample_coco_path, sample_dir, sample_images
from .draw import draw_boxes, side_by_side
from .evaluate import Evaluation, GroundTruth, evaluate, load_coco
from .server import serve_in_background
from .server.settings import default_models_dir

MODEL = "shapes-detect/1"


def _notebooks(out: Path) -> list[str]:
    """Run every notebook headlessly; save HTML renderings. Returns their names."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    folder = Path.cwd() / "notebooks"
    if not folder.is_dir():
        print("no notebooks/ folder here: run make demo from the repository")
        return []
    done = []
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        NotebookClient(
            notebook, timeout=600, resources={"metadata": {"path": str(folder)}}
        ).execute()
        html, _ = HTMLExporter().from_notebook_node(notebook)  # type: ignore[no-untyped-call]
        (out / "notebooks").mkdir(exist_ok=True)
        (out / "notebooks" / f"{path.stem}.html").write_text(html)
        done.append(path.name)
    return done


def _error_gallery(folder: Path, batch: Batch, evaluation: Evaluation, truth: GroundTruth) -> None:
    """Ground truth | prediction for the four images with the most errors."""
    results = {truth.key_for(r.source or ""): r for r in batch}
    worst = evaluation.per_image().sort_values("errors", ascending=False).head(4)
    for key in worst.index:
        image_truth, result = truth[key], results.get(key)
        if result is None or image_truth.path is None:
            continue
        boxes = [
            {"x": x + w / 2, "y": y + h / 2, "width": w, "height": h, "class": name}
            for (x, y, w, h), name in zip(image_truth.boxes, image_truth.class_names, strict=True)
        ]
        picture = side_by_side(image_truth.path, boxes, result)
        picture.save(folder / f"{Path(key).stem}.jpg", quality=90)


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns a process exit code."""
    parser = argparse.ArgumentParser(prog="python -m rf_notebook.demo", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("demo-output"))
    parser.add_argument(
        "--no-notebooks",
        action="store_true",
        help="skip running notebooks/*.ipynb (they take a minute or two)",
    )
    args = parser.parse_args(argv)
    if not (default_models_dir() / MODEL / "model.onnx").exists():
        print("The default models are not in this checkout yet: run `make models` first.")
        return 1
    started = time.perf_counter()
    out: Path = args.out
    shutil.rmtree(out, ignore_errors=True)
    (out / "annotated").mkdir(parents=True)
    (out / "errors").mkdir()
    with (
        tempfile.TemporaryDirectory() as uploads,
        serve_in_background(datasets_dir=uploads) as server,
    ):
        models = ", ".join(server.app.state.registry.available())
        print(f"local server: {server.url}  (models: {models})")
        client = Client(api_url=server.url, cache=out / "cache")
        images = sample_images()
        batch = client.predict_many(images, MODEL)
        for path, result in zip(images, batch, strict=True):
            draw_boxes(path, result).save(out / "annotated" / f"{path.stem}.jpg", quality=90)
        table = batch.to_dataframe()
        table.to_csv(out / "predictions.csv", index=False)

        truth = load_coco(sample_coco_path(), images_dir=sample_dir() / "images")
        evaluation = evaluate(batch, truth)
        assert isinstance(evaluation, Evaluation)  # a detection model against boxes
        evaluation.per_class().to_csv(out / "per_class.csv")
        evaluation.confusion_matrix().to_csv(out / "confusion_matrix.csv")
        evaluation.plot_confusion_matrix().savefig(out / "confusion_matrix.png", dpi=120)
        _error_gallery(out / "errors", batch, evaluation, truth)

        from .active_learning import pick

        picks = pick(batch, 8)
        picks.table.to_csv(out / "picks.csv", index=False)
        uploaded = picks.upload("shapes-picks", api_url=server.url, progress=False, state_file=None)
        notebooks = [] if args.no_notebooks else _notebooks(out)
    per_class = evaluation.per_class()
    print()
    print(
        f"predicted {len(batch)} sample images ({len(batch.errors)} errors, {batch.cached} cached)"
        f" with {MODEL}: {len(table.dropna(subset=['class']))} boxes"
    )
    print(
        f"mAP50 {evaluation.map50:.3f}   mAP50:95 {evaluation.map50_95:.3f}   "
        f"(vs the sample's ground truth)"
    )
    print(
        per_class[["support", "TP", "FP", "FN", "precision", "recall", "F1"]].round(3).to_string()
    )
    print(
        f"active-learning picks: {len(picks.table)} images; first: "
        f"{picks.table.iloc[0]['image']!s} — {picks.table.iloc[0]['reason']}"
    )
    print(f"uploaded to the local server's dataset: {len(uploaded.uploaded)} images")
    if notebooks:
        print(f"notebooks run: {', '.join(notebooks)}")
    print(
        f"\nwrote {out}/ in {time.perf_counter() - started:.0f} s: annotated/, predictions.csv, "
        "per_class.csv, confusion_matrix.csv/.png, picks.csv"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
