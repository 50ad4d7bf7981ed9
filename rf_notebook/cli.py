"""The ``rf-notebook`` command: ``serve`` and ``make-dataset``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from .server import ServerSettings, create_app
    except ImportError:
        print("The server needs extras: pip install 'rf-notebook[server]'", file=sys.stderr)
        return 2
    overrides: dict[str, object] = {
        "host": args.host,
        "port": args.port,
        "datasets_dir": Path(args.datasets),
        "allow_private_urls": args.allow_private_urls,
    }
    if args.models:
        overrides["models_dirs"] = tuple(Path(m) for m in args.models)
    if args.api_key:
        overrides["api_key"] = args.api_key
    settings = ServerSettings.from_env(**overrides)
    app = create_app(settings)
    failures = app.state.registry.load_all(strict=False)
    url = f"http://{settings.host}:{settings.port}"
    print(f"rf-notebook local server on {url}  (docs: {url}/docs)")
    for model in app.state.registry.loaded():
        print(f"  {model.model_id:28s} {model.task_type}")
    for model_id, error in failures.items():
        print(f"  {model_id:28s} NOT LOADED: {error}")
    if settings.api_key is None:
        print("  no API key set: any key is accepted")
    # No access log: hosted-API clients put the key in the query string.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning", access_log=False)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rf-notebook", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the local server (hosted API protocol)")
    serve.add_argument("--host", default="127.0.0.1", help="interface (default: loopback only)")
    serve.add_argument("--port", type=int, default=9001)
    serve.add_argument(
        "--models",
        action="append",
        metavar="DIR",
        help="models folder (project/version/model.onnx); repeatable; "
        "default: the models shipped with rf-notebook",
    )
    serve.add_argument(
        "--datasets",
        default="datasets",
        metavar="DIR",
        help="where uploads are stored (default: ./datasets)",
    )
    serve.add_argument("--api-key", help="require this key (or set RF_NOTEBOOK_SERVER_API_KEY)")
    serve.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let image= URLs reach loopback and private addresses",
    )
    serve.set_defaults(run=_serve)
    try:
        from importlib import import_module

        import_module("rf_notebook.datasets.cli").add_parser(commands)
    except ImportError:  # the dataset generator is optional
        pass
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rf-notebook`` console script.

    Example:
        >>> main(["serve", "--port", "9001"])  # doctest: +SKIP
    """
    args = _parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
