"""Runs inside .venv-clients: time the roboflow package's predict loop and inference-sdk's
infer(list) against a running server. Prints one JSON line: {"roboflow": s, "sdk": s}."""

import json
import sys
import time

url, model, paths = sys.argv[1], sys.argv[2], sys.argv[3:]

from inference_sdk import InferenceHTTPClient  # noqa: E402
from roboflow.models.object_detection import ObjectDetectionModel  # noqa: E402

rf_model = ObjectDetectionModel("bench", f"ws/{model}", local=url + "/")
started = time.perf_counter()
for path in paths:
    rf_model.predict(path, confidence=40, overlap=30).json()
roboflow_s = time.perf_counter() - started

client = InferenceHTTPClient(api_url=url, api_key="bench")
started = time.perf_counter()
answers = client.infer(paths, model_id=model)
sdk_s = time.perf_counter() - started
assert len(answers) == len(paths)
print(json.dumps({"roboflow": roboflow_s, "sdk": sdk_s}))
