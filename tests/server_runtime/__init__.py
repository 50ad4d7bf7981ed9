"""Tests for the ONNX model runtime (rf_notebook.server.runtime)."""
