"""The operating point by hand: confusion matrix, per class, per image, errors, sweeps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rf_notebook.errors import ConfigError
from rf_notebook.evaluate import BACKGROUND, Evaluation, evaluate
from tests.evaluate.conftest import box, coco_ground_truth, ground_truth, response, truth
from tests.evaluate.synth import make_set

CAT, DOG = "cat", "dog"


@pytest.fixture
def ev() -> Evaluation:
    """One image: a hit, a cat called dog… see each test for the cell it checks."""
    gt = ground_truth(
        truth("a.jpg", [[0, 0, 10, 10], [20, 0, 30, 10], [40, 0, 50, 10]], [CAT, DOG, CAT])
    )
    preds = {
        "a.jpg": response(
            box(0, 0, 10, 10, CAT, 0.9),  # true positive
            box(20, 0, 30, 10, CAT, 0.8),  # on the dog: a confusion
            box(60, 0, 70, 10, DOG, 0.7),  # on nothing: a false alarm
            box(0, 0, 10, 10, CAT, 0.6),  # duplicate of the first: a false alarm
            box(40, 0, 50, 10, DOG, 0.3),  # under the 0.4 threshold: not counted
        )
    }
    result = evaluate(preds, gt)
    assert isinstance(result, Evaluation)
    return result


def test_confusion_matrix_counts(ev: Evaluation) -> None:
    matrix = ev.confusion_matrix()
    assert list(matrix.index) == [CAT, DOG, BACKGROUND] == list(matrix.columns)
    assert matrix.index.name == "true" and matrix.columns.name == "predicted"
    assert matrix.to_numpy().tolist() == [[1, 0, 1], [1, 0, 0], [1, 1, 0]]


def test_confusion_matrix_normalized(ev: Evaluation) -> None:
    by_true = ev.confusion_matrix(normalize="true").to_numpy()
    np.testing.assert_allclose(by_true, [[0.5, 0, 0.5], [1, 0, 0], [0.5, 0.5, 0]])
    by_pred = ev.confusion_matrix(normalize="pred").to_numpy()
    np.testing.assert_allclose(by_pred, [[1 / 3, 0, 1], [1 / 3, 0, 0], [1 / 3, 1, 0]])


def test_lower_threshold_turns_the_low_dog_into_a_confusion(ev: Evaluation) -> None:
    low = ev.with_confidence(0.2)
    assert low.confusion_matrix().to_numpy().tolist() == [[1, 1, 0], [1, 0, 0], [1, 1, 0]]
    assert ev.confusion_matrix().to_numpy().tolist()[0] == [1, 0, 1]  # the original is unchanged


def test_per_class_at_the_operating_point(ev: Evaluation) -> None:
    table = ev.per_class()
    assert table.loc[CAT, ["support", "TP", "FP", "FN"]].tolist() == [2, 1, 2, 1]
    assert table.loc[DOG, ["support", "TP", "FP", "FN"]].tolist() == [1, 0, 1, 1]
    assert table.loc[CAT, ["precision", "recall", "F1"]].tolist() == pytest.approx(
        [1 / 3, 0.5, 0.4]
    )
    assert table.loc[DOG, "precision"] == 0 and table.loc[DOG, "F1"] == 0


def test_per_image(ev: Evaluation) -> None:
    row = ev.per_image().loc["a.jpg"]
    assert row[["objects", "predictions", "TP", "FP", "FN", "confused", "errors"]].tolist() == [
        3,
        4,
        1,
        3,
        2,
        1,
        5,
    ]


def test_errors_list_false_alarms_most_confident_first(ev: Evaluation) -> None:
    fp = ev.errors("fp")
    assert fp[["class", "confidence"]].values.tolist() == [[DOG, 0.7], [CAT, 0.6]]
    assert fp["box"].tolist() == [(60, 0, 70, 10), (0, 0, 10, 10)]
    assert fp["matched_class"].tolist() == [None, CAT]  # the duplicate sits on a taken cat
    assert fp["iou"].tolist() == [0.0, 1.0]
    assert ev.errors("fp", cls=CAT)["class"].tolist() == [CAT]


def test_errors_list_missed_objects_and_confusions(ev: Evaluation) -> None:
    fn = ev.errors("fn")
    assert fn[["class", "box", "matched_class"]].values.tolist() == [[CAT, (40, 0, 50, 10), None]]
    assert np.isnan(fn["confidence"].iloc[0])
    confusion = ev.errors("confusion")
    assert confusion[["class", "matched_class", "iou", "matched_box"]].values.tolist() == [
        [CAT, DOG, 1.0, (20, 0, 30, 10)]
    ]
    assert len(ev.errors("confusion", cls=DOG)) == 1 and ev.errors("fn", cls=DOG).empty
    with pytest.raises(ConfigError):
        ev.errors("nope")  # type: ignore[arg-type]


def test_sweep_and_best_threshold(ev: Evaluation) -> None:
    sweep = ev.sweep([0.5, 0.85])
    cat = sweep.curves[sweep.curves["class"] == CAT].set_index("confidence")
    assert cat.loc[0.5, ["TP", "FP", "FN"]].tolist() == [1, 2, 1]
    assert cat.loc[0.85, ["TP", "FP", "FN"]].tolist() == [1, 0, 1]
    best = sweep.best.loc[CAT]
    assert best["confidence"] == 0.9 and best["F1"] == pytest.approx(2 / 3)
    assert sweep.best.loc[DOG, "F1"] == 0
    assert "all" in sweep.best.index


def test_crowd_regions_absorb_predictions(quiet: None) -> None:
    gt = ground_truth(
        truth("a.jpg", [[0, 0, 60, 60], [80, 80, 90, 90]], [CAT, CAT], crowd=[True, False])
    )
    ev = evaluate(
        {"a.jpg": response(box(5, 5, 15, 15, CAT, 0.9), box(80, 80, 90, 90, CAT, 0.8))}, gt
    )
    assert isinstance(ev, Evaluation)
    assert ev.per_class().loc[CAT, ["support", "TP", "FP", "FN"]].tolist() == [1, 1, 0, 0]
    assert ev.confusion_matrix().to_numpy().sum() == 1
    assert ev.report.ignored == 1 and ev.report.crowd_regions == 1


def test_matrix_margins_equal_per_class_counts_on_random_sets(quiet: None) -> None:
    for seed in range(3):
        synth = make_set(seed, crowd=0.15)
        ev = evaluate(synth.responses, coco_ground_truth(synth.coco))
        assert isinstance(ev, Evaluation)
        for confidence in (0.0, 0.3, 0.77):
            view = ev.with_confidence(confidence)
            matrix = view.confusion_matrix().to_numpy()
            table = view.per_class()
            diagonal = np.diag(matrix)[:-1]
            assert diagonal.tolist() == table["TP"].tolist()
            assert (matrix.sum(axis=1)[:-1] - diagonal).tolist() == table["FN"].tolist()
            assert (matrix.sum(axis=0)[:-1] - diagonal).tolist() == table["FP"].tolist()
            images = view.per_image()
            assert (
                images[["TP", "FP", "FN"]].sum().tolist()
                == table[["TP", "FP", "FN"]].sum().tolist()
            )
            sweep = ev.sweep([confidence]).curves.set_index("class")
            assert sweep.loc[list(ev.classes), "TP"].tolist() == table["TP"].tolist()
            kinds = [len(view.errors(k)) for k in ("fp", "fn", "confusion")]
            assert kinds == [
                matrix[-1].sum(),
                matrix[:, -1].sum(),
                matrix[:-1, :-1].sum() - diagonal.sum(),
            ]


def test_summary_and_repr(ev: Evaluation) -> None:
    summary = ev.summary()
    assert summary[["TP", "FP", "FN"]].tolist() == [1, 3, 2]
    assert isinstance(summary, pd.Series) and "mAP50" in summary
    assert "Evaluation(bbox, 1 images" in repr(ev)


def test_plots_return_figures(ev: Evaluation) -> None:
    pytest.importorskip("matplotlib")
    fig = ev.plot_confusion_matrix()
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sorted(texts) == ["1"] * 5  # one label per non-zero cell
    assert len(ev.plot_pr_curves().axes[0].lines) == 2
    assert len(ev.plot_f1_confidence([CAT]).axes[0].lines) == 2  # the curve and its best point
    assert ev.plot_confusion_matrix(normalize="true").axes[0].texts


@pytest.mark.parametrize(
    ("objects", "predictions"),
    [([], []), ([[0, 0, 10, 10]], []), ([], [box(0, 0, 10, 10, CAT, 0.9)])],
    ids=["nothing", "no-predictions", "no-objects"],
)
def test_every_table_works_on_empty_sets(
    objects: list[list[float]], predictions: list[dict[str, float]], quiet: None
) -> None:
    gt = ground_truth(truth("a.jpg", objects, [CAT] * len(objects)), classes=[CAT, DOG])
    ev = evaluate({"a.jpg": response(*predictions)}, gt)
    assert isinstance(ev, Evaluation)
    assert ev.confusion_matrix().shape == (3, 3)
    assert ev.confusion_matrix("true").shape == (3, 3)
    assert list(ev.per_class().index) == [CAT, DOG]
    assert len(ev.per_image()) == 1
    for kind in ("fp", "fn", "confusion"):
        for cls in (None, CAT):
            ev.errors(kind, cls=cls)  # type: ignore[arg-type]
    assert set(ev.sweep().best.index) == {CAT, DOG, "all"}
    assert len(ev.coco_stats()) == 12 and len(ev.summary()) > 10
    pytest.importorskip("matplotlib")
    ev.plot_confusion_matrix()
    ev.plot_pr_curves()
    ev.plot_f1_confidence()


def test_true_positives_are_listed_with_the_object_they_found(ev: Evaluation) -> None:
    hits = ev.errors("tp")
    assert hits[["class", "confidence", "matched_class"]].values.tolist() == [[CAT, 0.9, CAT]]
    assert hits["box"].tolist() == [(0.0, 0.0, 10.0, 10.0)] == hits["matched_box"].tolist()
    assert hits["iou"].tolist() == [1.0]
    assert ev.errors("tp", cls=DOG).empty
    assert len(ev.with_confidence(0.2).errors("tp")) == 1  # the low dog on the cat is a confusion
