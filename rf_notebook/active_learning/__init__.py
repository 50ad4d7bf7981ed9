"""Active learning: rank images worth labeling next, explain why, export and upload them.

Scores come from predictions alone (ground truth is optional) and are computed for the
whole set at once from flat NumPy arrays. :func:`pick` combines them, removes
near-duplicate images and balances classes; :class:`Picks` exports a labeling package
(COCO and YOLO pre-annotations) or uploads to Roboflow (or the local server).

Example:
    >>> from rf_notebook.active_learning import pick
    >>> picks = pick(batch, 50, ["near_threshold", "no_detections"])  # doctest: +SKIP
    >>> picks.table[["image", "score", "reason"]].head()  # doctest: +SKIP
    >>> picks.export("to-label")  # doctest: +SKIP
    >>> picks.upload("my-project", batch="week 12")  # doctest: +SKIP
"""

from .context import ScoreParams
from .dedup import DEFAULT_DISTANCE, dhash, hamming, image_hash
from .export import Exported, LinkMode, export_picks
from .picking import NO_CLASS, pick, ranking_order
from .picks import Picks
from .scoring import score
from .strategies import Strategy
from .upload import UPLOAD_API_URL, UploadReport, upload_picks

__all__ = [
    "DEFAULT_DISTANCE",
    "NO_CLASS",
    "UPLOAD_API_URL",
    "Exported",
    "LinkMode",
    "Picks",
    "ScoreParams",
    "Strategy",
    "UploadReport",
    "dhash",
    "export_picks",
    "hamming",
    "image_hash",
    "pick",
    "ranking_order",
    "score",
    "upload_picks",
]
