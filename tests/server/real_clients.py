"""Runs INSIDE the separate clients venv (roboflow + inference-sdk): call the local server
the way users do and print every answer as JSON on stdout. Arguments: server URL, image path,
and a JSON list of scenario names to run."""

from __future__ import annotations

import json
import sys
import traceback
from typing import Any


def roboflow_detect(url: str, image: str) -> Any:
    from roboflow.models.object_detection import ObjectDetectionModel

    model = ObjectDetectionModel("local-key", "ws/toy-detect/1", local=url + "/")
    return model.predict(image, confidence=40, overlap=30).json()


def roboflow_detect_hosted_url(url: str, image: str) -> Any:
    from roboflow.models.object_detection import ObjectDetectionModel

    model = ObjectDetectionModel("local-key", "ws/toy-detect/1", local=url + "/")
    return model.predict(image, hosted=True, confidence=40).json()


def roboflow_classify(url: str, image: str) -> Any:
    from roboflow.models.classification import ClassificationModel

    model = ClassificationModel("local-key", "ws/toy-classify/1", local=url + "/")
    return model.predict(image).json()


def roboflow_segment(url: str, image: str) -> Any:
    from roboflow.models.instance_segmentation import InstanceSegmentationModel

    model = InstanceSegmentationModel("local-key", "ws/toy-segment/1", local=url + "/")
    return model.predict(image, confidence=40).json()


def sdk_v1(url: str, image: str) -> Any:
    from inference_sdk import InferenceHTTPClient

    client = InferenceHTTPClient(api_url=url, api_key="local-key")
    return {
        "info": client.get_server_info().__dict__
        if hasattr(client.get_server_info(), "__dict__")
        else str(client.get_server_info()),
        "one": client.infer(image, model_id="toy-detect/1"),
        "many": client.infer([image, image, image], model_id="toy-detect/1"),
        "classify": client.infer(image, model_id="toy-classify/1"),
        "segment": client.infer(image, model_id="toy-segment/1"),
        "models": [m.model_id for m in client.list_loaded_models().models],
    }


def sdk_v0(url: str, image: str) -> Any:
    from inference_sdk import InferenceConfiguration, InferenceHTTPClient

    client = InferenceHTTPClient(api_url=url, api_key="local-key")
    client.select_api_v0()
    client.configure(InferenceConfiguration(confidence_threshold=0.3, iou_threshold=0.3))
    return {
        "one": client.infer(image, model_id="toy-detect/1"),
        "many": client.infer([image, image], model_id="toy-detect/1"),
    }


def sdk_header_key(url: str, image: str) -> Any:
    from inference_sdk import InferenceConfiguration, InferenceHTTPClient

    client = InferenceHTTPClient(api_url=url, api_key="local-key")
    client.configure(InferenceConfiguration(api_key_transport="header"))
    return client.infer(image, model_id="toy-detect/1")


SCENARIOS = {
    f.__name__: f
    for f in (
        roboflow_detect,
        roboflow_detect_hosted_url,
        roboflow_classify,
        roboflow_segment,
        sdk_v1,
        sdk_v0,
        sdk_header_key,
    )
}

if __name__ == "__main__":
    server_url, image_path, names = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    out: dict[str, Any] = {}
    for name in names:
        try:
            out[name] = {"ok": SCENARIOS[name](server_url, image_path)}
        except Exception:
            out[name] = {"error": traceback.format_exc()}
    print(json.dumps(out, default=str))
