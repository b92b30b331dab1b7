"""``python -m hf_inference_endpoints.emulator``: the same as ``hfie emulator`` (options,
checks, a busy port reported as an error)."""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    from ..cli.emulator import emulator

    emulator.main(args=argv, prog_name="python -m hf_inference_endpoints.emulator")


if __name__ == "__main__":
    main()
