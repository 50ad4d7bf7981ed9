"""Training of the default models (the ``train`` extra: plain PyTorch on the CPU).

Run with ``make models`` (or ``python -m rf_notebook.training``); never run in CI. The
models are exported to ONNX in the Ultralytics output layouts that the local server
reads, so the same code path serves users' own exports.
"""
