"""Write notebooks/*.ipynb from the cell lists below (run: python tools/build_notebooks.py).

Keeping the notebooks' source here makes reviews readable and the four notebooks consistent
(badge, install cell, key chain); the committed .ipynb files are this script's output.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = "rf-notebook/rf-notebook"
OUT = Path(__file__).resolve().parents[1] / "notebooks"

INSTALL = (
    """\
# Install rf-notebook (on Colab or Binder); where it is already installed this does nothing.
import importlib.util, subprocess, sys

if importlib.util.find_spec("rf_notebook") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "rf-notebook[server,widgets] @ git+https://github.com/%s"], check=True)"""
    % REPO
)

CONNECT = """\
import rf_notebook as rf
from rf_notebook.datasets import copy_sample
from rf_notebook.notebook import connect

# The key comes from Colab secrets, then ROBOFLOW_API_KEY. With no key, a local server
# starts on 127.0.0.1 with the default models, so the notebook runs offline.
# connect(ask=True) prompts for a key instead (hidden input).
session = connect()
folder = copy_sample("shapes-sample")  # 48 images with COCO, YOLO and VOC labels
session"""


def header(name: str, title: str, intro: str) -> list[nbformat.NotebookNode]:
    badge = (
        f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{REPO}/blob/main/notebooks/{name})"
    )
    return [new_markdown_cell(f"# {title}\n\n{badge}\n\n{intro}"), new_code_cell(INSTALL)]


def write(name: str, cells: list[nbformat.NotebookNode]) -> None:
    notebook = new_notebook(cells=cells)
    notebook.metadata.update(
        {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        }
    )
    nbformat.write(notebook, OUT / name)


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text)


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text)


QUICKSTART = header(
    "01_quickstart.ipynb",
    "Quickstart: predict, draw, tables",
    """\
Run a model on one image, look at the boxes, read the API's JSON, and get a pandas table —
the flows of Roboflow's hosted-API docs, in a few lines. With a Roboflow API key this talks
to the hosted API; without one it starts a **local server** that speaks the same protocol and
runs rf-notebook's own small models, so everything below works offline.""",
) + [
    md(
        "## Connect\n\n`connect()` picks the API and returns a session with a ready client and "
        "the model ids to use. Set `RF_NOTEBOOK_MODEL_DETECT=your-project/3` (and `_SEGMENT`, "
        "`_CLASSIFY`) to use your own hosted models."
    ),
    code(CONNECT),
    md(
        "## Predict one local image\n\nAny path, URL, PIL image, NumPy array or bytes works. "
        "The result is typed: boxes, classes and confidences, in original-image pixels."
    ),
    code(
        'image = folder / "images" / "sample-003.jpg"\n'
        'result = session.client.predict(image, session.models["detect"], confidence=0.4)\n'
        "result"
    ),
    md(
        "## Draw it\n\nThe API gives each box as a **centre** `(x, y)` plus `width` and `height`; "
        "`draw_boxes` turns them into corners (`x1 = x - width / 2`, …) and draws labels that stay "
        "readable and inside the picture. Colors are stable per class."
    ),
    code("from rf_notebook.draw import draw_boxes\n\ndraw_boxes(image, result)"),
    md(
        "## The API's own JSON\n\n`result.json()` is the response exactly as the API sent it "
        "(filtered to what you see)."
    ),
    code(
        'response = result.json()\n{key: response[key] for key in ("image", "predictions") if key in response}'
    ),
    md("Corners as an array, and the same boxes for `supervision`:"),
    code("result.xyxy.round(1), result.to_supervision()"),
    md("## A table, a row per prediction"),
    code(
        'rf.to_dataframe(result)[["class", "confidence", "x", "y", "width", "height", "x1", "y1", "x2", "y2"]].round(2)'
    ),
    md(
        "## Change the threshold — no new API call\n\nThe client asked the server for "
        "everything above a low floor, so any threshold is a local filter:"
    ),
    code(
        "for threshold in (0.2, 0.4, 0.8):\n"
        "    print(threshold, result.filter(confidence=threshold).class_names)"
    ),
    md(
        "## An image by URL\n\nThe server downloads it itself (`image=` on the hosted route). "
        "Offline, the local server serves the sample images, so the URL points there."
    ),
    code(
        'url = session.sample_url("sample-010.jpg")\n'
        'from_url = session.client.predict(url, session.models["detect"])\n'
        "from_url.class_names"
    ),
    md(
        "## Let the server draw: `format=image`\n\nThe hosted API can return the picture "
        "instead of JSON; `predict_image` asks for it."
    ),
    code('session.client.predict_image(image, session.models["detect"], labels=True, stroke=2)'),
    md(
        "## Other tasks\n\nInstance segmentation returns polygons; classification returns "
        "classes with confidences."
    ),
    code(
        'masks = session.client.predict(image, session.models["segment"])\ndraw_boxes(image, masks)'
    ),
    code(
        'label = session.client.predict(image, session.models["classify"])\n'
        'multi = session.client.predict(image, session.models["multilabel"])\n'
        "label.top, round(label.confidence, 3), multi.predicted_classes"
    ),
    md(
        "## Predicting again is free\n\nResponses are cached on disk, keyed by the image bytes "
        "and the request, so re-running this notebook makes no new calls."
    ),
    code(
        "# NBVAL_CHECK_OUTPUT\n"
        'again = session.client.predict(image, session.models["detect"])\n'
        "again.json() == result.json()"
    ),
    code("session.close()  # stops the local server, if one was started"),
]

EXPLORE = header(
    "02_explore_predictions.ipynb",
    "Explore predictions on a folder",
    """\
Predict a whole folder with a progress bar, then explore the results **without calling the
API again**: an interactive viewer with confidence, overlap and class filters, and pandas
tables of what the model sees.""",
) + [
    code(CONNECT),
    md(
        "## Predict a folder\n\n`predict_many` takes a list, a folder or a glob; it runs "
        "requests concurrently, retries what is worth retrying, records failures instead of "
        "stopping, and keeps results in input order."
    ),
    code('batch = session.client.predict_many(folder / "images", session.models["detect"])\nbatch'),
    md("## One table for everything"),
    code(
        "table = batch.to_dataframe()\n"
        'table["image"] = table["image"].map(lambda p: p.split("/")[-1])\n'
        "table.head(8).round(2)"
    ),
    md("Per-class counts and confidence:"),
    code(
        '(table.dropna(subset=["class"])\n'
        ' .groupby("class")["confidence"]\n'
        ' .agg(boxes="count", mean_confidence="mean", min_confidence="min")\n'
        " .round(3))"
    ),
    code(
        'ax = table["confidence"].plot.hist(bins=20, title="Confidence of every box")\n'
        'ax.set_xlabel("confidence");'
    ),
    md(
        "## The viewer\n\nPick an image, move the sliders: boxes and the table re-draw "
        "locally — the API is not called again."
    ),
    code("from rf_notebook.widgets import Viewer\n\nviewer = Viewer(batch)\nviewer"),
    md("Images with the fewest confident boxes are often the interesting ones:"),
    code(
        'counts = table.dropna(subset=["class"]).query("confidence >= 0.4").groupby("image").size()\n'
        'counts.reindex(table["image"].unique(), fill_value=0).sort_values().head(5)'
    ),
    code("session.close()"),
]

CONFUSION = header(
    "03_confusion_summary.ipynb",
    "Confusion summary: where does the model fail?",
    """\
Compare predictions with ground truth (COCO, YOLO or Pascal VOC labels): a confusion matrix
with a background row and column, per-class precision, recall, F1 and AP, mAP that agrees
with pycocotools, the best threshold per class, and a browser for the mistakes.""",
) + [
    code(CONNECT),
    code('batch = session.client.predict_many(folder / "images", session.models["detect"])'),
    md(
        "## Ground truth\n\nLoaders read COCO (Roboflow exports included), YOLO and VOC; "
        "classes are matched by name. The sample ships all three; here, COCO:"
    ),
    code(
        "from rf_notebook.evaluate import evaluate, load_coco\n\n"
        'truth = load_coco(folder / "annotations.coco.json", images_dir=folder / "images")\n'
        "evaluation = evaluate(batch, truth, iou=0.5, confidence=0.4)\n"
        'print(f"mAP50 {evaluation.map50:.3f}   mAP50:95 {evaluation.map50_95:.3f}   mAP75 {evaluation.map75:.3f}")'
    ),
    md("## Per class, at the operating point (confidence 0.4, IoU 0.5)"),
    code("evaluation.per_class().round(3)"),
    md(
        "## The confusion matrix\n\nRows are the truth, columns the prediction; "
        "`background` collects missed objects (last column) and false alarms (last row)."
    ),
    code("evaluation.confusion_matrix()"),
    code("evaluation.plot_confusion_matrix();"),
    md(
        "## Which threshold?\n\n`sweep()` scores every class over confidence thresholds; "
        "`best` gives the F1-best one per class."
    ),
    code("evaluation.sweep().best.round(3)"),
    code("evaluation.plot_f1_confidence();"),
    code("evaluation.plot_pr_curves();"),
    md("## The mistakes themselves\n\nFalse positives, ready for a gallery:"),
    code(
        'errors = evaluation.errors("fp")\nerrors.assign(image=errors["image"].map(lambda p: str(p).split("/")[-1])).head(8)'
    ),
    md(
        "Ground truth | prediction for the image with the most errors (green: correct, "
        "orange: false alarm, purple: missed):"
    ),
    code(
        "from rf_notebook.draw import side_by_side\n\n"
        'worst = evaluation.per_image().sort_values("errors", ascending=False).index[0]\n'
        "image_truth = truth[worst]\n"
        'truth_boxes = [{"x": x + w / 2, "y": y + h / 2, "width": w, "height": h, "class": c}\n'
        "               for (x, y, w, h), c in zip(image_truth.boxes, image_truth.class_names)]\n"
        "predicted = next(r for r in batch if truth.key_for(r.source) == worst)\n"
        "side_by_side(image_truth.path, truth_boxes, predicted)"
    ),
    md(
        "## Browse every cell of the matrix\n\nClick a cell to see its images; the threshold "
        "slider recomputes the matrix live."
    ),
    code("from rf_notebook.widgets import ErrorBrowser\n\nErrorBrowser(evaluation)"),
    code("session.close()"),
]

ACTIVE = header(
    "04_active_learning.ipynb",
    "Active learning: what to label next",
    """\
Roboflow's advice: collect images where the model is unsure — low-confidence detections, or
no detection where one should be — label them, and retrain. rf-notebook ranks images by
uncertainty with a reason for each, lets you review them, exports a labeling package with
the model's predictions as pre-annotations, and uploads them to your project.""",
) + [
    code(CONNECT),
    code('batch = session.client.predict_many(folder / "images", session.models["detect"])'),
    md(
        "## Rank by uncertainty\n\nStrategies combine: least confidence, entropy, boxes near "
        "the threshold, no detections, unusual counts, rare classes, overlapping classes. "
        "Near-duplicate images are dropped."
    ),
    code(
        "from rf_notebook.active_learning import pick\n\n"
        "picks = pick(batch, 10, confidence=0.4, seed=0)\n"
        'shown = picks.table[["rank", "image", "score", "reason"]].copy()\n'
        'shown["image"] = shown["image"].map(lambda p: str(p).split("/")[-1])\n'
        "shown.round(3)"
    ),
    md("A look at the top picks:"),
    code(
        "from rf_notebook.draw import grid\n\n"
        "grid([(r.source, r) for r in picks.results[:6]], cols=3,\n"
        '     titles=[str(p).split("/")[-1] for p in picks.table["image"][:6]])'
    ),
    md(
        "## Review\n\nKeep, skip or mark for relabeling; decisions are saved to a CSV as you "
        "go, so a kernel restart loses nothing."
    ),
    code(
        'from rf_notebook.widgets import PickReview\n\nPickReview(picks, decisions="picks-decisions.csv")'
    ),
    md(
        "## Export a labeling package\n\nImages plus COCO and YOLO files holding the model's "
        "predictions, so labelers correct rather than start from nothing."
    ),
    code(
        'exported = picks.export("to-label", overwrite=True)\n'
        "sorted(p.name for p in exported.folder.iterdir())"
    ),
    md(
        "## Upload\n\nTo your Roboflow project with a key; offline, to the local server's "
        "upload emulation (the images land in its datasets folder)."
    ),
    code(
        'report = picks.upload("shapes", api_url=session.upload_url, batch="rf-notebook picks",\n'
        '                      tags=["active-learning"], state_file=None)\n'
        "len(report.uploaded), len(report.duplicates), len(report.failed)"
    ),
    code("session.close()"),
]

NOTEBOOKS = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_explore_predictions.ipynb": EXPLORE,
    "03_confusion_summary.ipynb": CONFUSION,
    "04_active_learning.ipynb": ACTIVE,
}
_ABSOLUTE = re.compile(r"(/(?:root|home|tmp|work|Users)/[^\s'\"]*)")


def clean(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Small, safe outputs: JPEG over PNG, no widget state, no timings, no local paths."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/jpeg" in data:
                data.pop("image/png", None)
            text = json.dumps(output)
            if _ABSOLUTE.search(text):
                raise SystemExit(f"an output shows a local path: {_ABSOLUTE.search(text).group(1)}")
            if os.environ.get("ROBOFLOW_API_KEY") and os.environ["ROBOFLOW_API_KEY"] in text:
                raise SystemExit("an output shows the API key")
    return notebook


def execute(name: str) -> None:
    """Run one notebook in notebooks/ and save it with clean outputs."""
    from nbclient import NotebookClient

    path = OUT / name
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(OUT)}}).execute()
    nbformat.write(clean(notebook), path)


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    for notebook_name, notebook_cells in NOTEBOOKS.items():
        write(notebook_name, notebook_cells)
        if "--execute" in sys.argv:
            execute(notebook_name)
            print(f"executed {notebook_name}: {(OUT / notebook_name).stat().st_size / 1e3:.0f} kB")
