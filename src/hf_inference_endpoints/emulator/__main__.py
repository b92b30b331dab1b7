"""``python -m hf_inference_endpoints.emulator [--host H] [--port P] [--time-scale S]``."""

from __future__ import annotations

import argparse

from .server import run
from .settings import EmulatorSettings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the local Hugging Face inference emulator.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--time-scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    run(args.host, args.port, EmulatorSettings(time_scale=args.time_scale, seed=args.seed))


if __name__ == "__main__":
    main()
