"""``OnnxModel``: one ONNX file plus its metadata, loaded once, safe to call from many threads.

``OnnxModel.infer(image, params)`` is the single entry point: letterbox -> onnxruntime (CPU) ->
decode -> JSON body. One ``InferenceSession`` is created per model and shared by every thread
(onnxruntime's ``run`` is thread-safe; everything else here is stateless).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from rf_notebook.server.runtime.errors import (
    InferenceFailedError,
    InvalidParamsError,
    ModelLoadError,
)
from rf_notebook.server.runtime.letterbox import preprocess, validate_image
from rf_notebook.server.runtime.metadata import (
    METADATA_FILENAME,
    ModelMetadata,
    TaskType,
    load_metadata,
)
from rf_notebook.server.runtime.params import InferenceParams
from rf_notebook.server.runtime.postprocess import postprocess

__all__ = ["MODEL_FILENAME", "ModelDescription", "OnnxModel", "default_threads"]

MODEL_FILENAME = "model.onnx"


def default_threads() -> int:
    """onnxruntime intra-op threads used when none are given: the usable cores, at most 4.

    Example:
        >>> 1 <= default_threads() <= 4
        True
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS / Windows
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


@dataclass(frozen=True)
class ModelDescription:
    """One ``/model/registry`` entry.

    Example:
        >>> ModelDescription("p/1", "object-detection", 640, 480).to_json()["input_width"]
        480
    """

    model_id: str
    task_type: str
    input_height: int
    input_width: int

    def to_json(self) -> dict[str, Any]:
        """The registry entry as the hosted server writes it (``batch_size`` is ``null``).

        Example:
            >>> sorted(ModelDescription("p/1", "classification", 64, 64).to_json())
            ['batch_size', 'input_height', 'input_width', 'model_id', 'task_type']
        """
        return {
            "model_id": self.model_id,
            "task_type": self.task_type,
            "batch_size": None,
            "input_height": self.input_height,
            "input_width": self.input_width,
        }


class OnnxModel:
    """An ONNX model with its metadata, ready for :meth:`infer` from any thread.

    Args:
        onnx_path: The ``.onnx`` file.
        metadata: The validated metadata.
        model_id: ``project/version`` (used in messages and the registry).
        threads: onnxruntime intra-op threads per run; ``None`` uses :func:`default_threads`.
            On 2 cores, 2 threads halve single-request latency; 1 thread gives the best
            throughput when several requests run at once (each request then uses one core).
        spinning: Let idle onnxruntime threads spin-wait between runs (onnxruntime's default):
            about 15 % lower latency, but it burns CPU that other processes could use.
        warmup: Run one blank image at load time, so that a model whose outputs do not match
            its metadata fails here with :class:`ModelLoadError` instead of on the first request.

    Raises:
        ModelLoadError: The file is missing, empty, not ONNX, or does not fit the metadata.
        InvalidParamsError: ``threads`` is not a positive integer.

    Example:
        >>> model = OnnxModel.from_folder("models/shapes-detect/1")  # doctest: +SKIP
        >>> model.infer(image_rgb, InferenceParams(confidence=0.5))["predictions"]  # doctest: +SKIP
    """

    def __init__(
        self,
        onnx_path: str | Path,
        metadata: ModelMetadata,
        *,
        model_id: str = "",
        threads: int | None = None,
        spinning: bool = True,
        warmup: bool = True,
    ) -> None:
        self.path = Path(onnx_path)
        self.metadata = metadata
        self.model_id = model_id or self.path.stem
        self.threads = threads if threads is not None else default_threads()
        self.spinning = spinning
        if isinstance(self.threads, bool) or not isinstance(self.threads, int) or self.threads < 1:
            raise InvalidParamsError(f"threads must be a positive integer, got {threads!r}.")
        self._session = self._create_session()
        self._input_name, self._input_type = self._check_input()
        self._output_names = [output.name for output in self._session.get_outputs()]
        self._det_index, self._proto_index = self._pick_outputs()
        self._class_index = {name: i for i, name in enumerate(metadata.class_names)}
        if warmup:
            self._warmup()

    @classmethod
    def from_folder(
        cls,
        folder: str | Path,
        *,
        model_id: str | None = None,
        threads: int | None = None,
        spinning: bool = True,
        warmup: bool = True,
    ) -> OnnxModel:
        """Load ``model.onnx`` and ``model.json`` from a model folder.

        Args:
            folder: ``<models dir>/<project>/<version>``.
            model_id: Defaults to ``<project>/<version>`` from the folder's last two parts.
            threads: onnxruntime intra-op threads; ``None`` uses :func:`default_threads`.
            spinning: Let idle onnxruntime threads spin-wait (see the class docstring).
            warmup: Check the outputs against the metadata with one blank run.

        Returns:
            The loaded model.

        Raises:
            MetadataError: ``model.json`` is missing or invalid.
            ModelLoadError: ``model.onnx`` is missing, corrupt, or does not match the metadata.

        Example:
            >>> OnnxModel.from_folder("models/shapes-detect/1").task_type  # doctest: +SKIP
            'object-detection'
        """
        directory = Path(folder)
        if not directory.is_dir():
            raise ModelLoadError(f"{directory}: model folder not found.")
        metadata = load_metadata(directory / METADATA_FILENAME)
        return cls(
            directory / MODEL_FILENAME,
            metadata,
            model_id=model_id or f"{directory.parent.name}/{directory.name}",
            threads=threads,
            spinning=spinning,
            warmup=warmup,
        )

    @property
    def task_type(self) -> str:
        """The hosted API's task type string, e.g. ``"object-detection"``.

        Example:
            >>> model.task_type  # doctest: +SKIP
            'instance-segmentation'
        """
        return self.metadata.task.value

    def describe(self) -> ModelDescription:
        """The model's ``/model/registry`` entry.

        Example:
            >>> model.describe().to_json()  # doctest: +SKIP
            {'model_id': 'toy/1', 'task_type': 'object-detection', 'batch_size': None, ...}
        """
        return ModelDescription(
            self.model_id,
            self.task_type,
            self.metadata.input_height,
            self.metadata.input_width,
        )

    def infer(
        self, image: npt.NDArray[np.uint8], params: InferenceParams | None = None
    ) -> dict[str, Any]:
        """Run the model on one image and build the task's hosted-API JSON body.

        Args:
            image: ``(H, W, 3)`` uint8 **RGB**.
            params: Thresholds and filters; ``None`` uses the hosted defaults. Classification and
                semantic segmentation use only ``confidence``.

        Returns:
            ``{"image": {"width", "height"}, ...}`` plus, per task, the §1.5 fields:
            ``predictions`` (detection / instance segmentation), ``predictions`` + ``top`` +
            ``confidence`` (single-label), ``predictions`` + ``predicted_classes``
            (multi-label), ``segmentation_mask`` + ``class_map`` + ``predictions`` (semantic).
            ``time`` and ``inference_id`` are the caller's to add.

        Raises:
            InvalidImageError: ``image`` is not an ``(H, W, 3)`` uint8 array.
            InferenceFailedError: onnxruntime failed, or an output has an unexpected shape.

        Example:
            >>> body = model.infer(np.zeros((480, 640, 3), np.uint8))  # doctest: +SKIP
            >>> body["image"]  # doctest: +SKIP
            {'width': 640, 'height': 480}
        """
        validate_image(image)
        params = params if params is not None else InferenceParams()
        meta = self.metadata
        tensor, transform = preprocess(image, meta.input_width, meta.input_height, meta.resize)
        outputs = self.run(tensor)
        try:
            return postprocess(
                outputs,
                transform,
                meta,
                params,
                head_index=self._det_index,
                proto_index=self._proto_index,
            )
        except InferenceFailedError as error:
            raise InferenceFailedError(f"model {self.model_id}: {error}") from None

    def run(self, tensor: npt.NDArray[np.float32]) -> list[npt.NDArray[np.float32]]:
        """Run onnxruntime on a preprocessed ``(1, 3, H, W)`` tensor; raw outputs in graph order.

        Args:
            tensor: The network input, float32 in ``[0, 1]``.

        Returns:
            The outputs as float32 arrays.

        Raises:
            InferenceFailedError: onnxruntime raised; its message is quoted.

        Example:
            >>> blank = np.zeros((1, 3, 640, 640), np.float32)
            >>> [o.shape for o in model.run(blank)]  # doctest: +SKIP
            [(1, 8, 8400)]
        """
        feed = tensor if self._input_type == "tensor(float)" else tensor.astype(np.float16)
        try:
            outputs = self._session.run(self._output_names, {self._input_name: feed})
        except Exception as error:  # onnxruntime raises several unrelated types
            raise InferenceFailedError(
                f"model {self.model_id}: onnxruntime failed: {_first_line(error)}"
            ) from None
        return [np.asarray(output, dtype=np.float32) for output in outputs]

    def _create_session(self) -> ort.InferenceSession:
        if not self.path.is_file():
            raise ModelLoadError(f"{self.path}: ONNX file not found.")
        if self.path.stat().st_size == 0:
            raise ModelLoadError(f"{self.path}: the ONNX file is empty; export the model again.")
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        options.add_session_config_entry(
            "session.intra_op.allow_spinning", "1" if self.spinning else "0"
        )
        try:
            return ort.InferenceSession(
                str(self.path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # InvalidProtobuf, Fail, InvalidGraph, NotImplemented, ...
            raise ModelLoadError(
                f"{self.path}: onnxruntime cannot load this file ({_first_line(error)}). "
                "Check that it is a complete ONNX export (opset >= 11) and not truncated."
            ) from None

    def _check_input(self) -> tuple[str, str]:
        inputs = self._session.get_inputs()
        if len(inputs) != 1:
            raise ModelLoadError(
                f"{self.path}: expected one image input, found {[i.name for i in inputs]}."
            )
        tensor = inputs[0]
        if tensor.type not in ("tensor(float)", "tensor(float16)") or len(tensor.shape) != 4:
            raise ModelLoadError(
                f"{self.path}: input {tensor.name!r} is {tensor.type} {tensor.shape}; expected a "
                "float [1, 3, height, width] image tensor."
            )
        expected = [1, 3, self.metadata.input_height, self.metadata.input_width]
        for axis, (dim, want) in enumerate(zip(tensor.shape, expected, strict=True)):
            if isinstance(dim, int) and dim != want:
                raise ModelLoadError(
                    f"{self.path}: input shape {tensor.shape} disagrees with {expected} at axis "
                    f"{axis} (input_size in {METADATA_FILENAME} is [width, height] = "
                    f"[{self.metadata.input_width}, {self.metadata.input_height}])."
                )
        return tensor.name, tensor.type

    def _pick_outputs(self) -> tuple[int, int | None]:
        ranks = [len(output.shape) for output in self._session.get_outputs()]
        if self.metadata.task is not TaskType.INSTANCE_SEGMENTATION:
            return 0, None
        if len(ranks) < 2 or 4 not in ranks or 3 not in ranks:
            raise ModelLoadError(
                f"{self.path}: an instance-segmentation model needs two outputs, "
                f"[1, 4+nc+32, N] and prototypes [1, 32, h, w]; found ranks {ranks}."
            )
        return ranks.index(3), ranks.index(4)

    def _warmup(self) -> None:
        blank = np.full((self.metadata.input_height, self.metadata.input_width, 3), 114, np.uint8)
        try:
            self.infer(blank, InferenceParams(confidence=1.0))
        except InferenceFailedError as error:
            raise ModelLoadError(f"{self.path}: a test run failed: {error}") from None

    def __repr__(self) -> str:
        return f"OnnxModel({self.model_id!r}, task={self.task_type!r}, path={str(self.path)!r})"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    line = text[0] if text else type(error).__name__
    return line[:300]
