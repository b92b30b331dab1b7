"""Code generators and checks, run from the project root as ``python -m codegen.<tool>``.

* ``codegen.models``: ``schemas/`` -> ``src/hf_inference_endpoints/models/`` (``--check``).
* ``codegen.unasync``: ``_async/`` -> ``_sync/`` twins (``--check``).
* ``codegen.schema_drift``: ``schemas/`` vs a folder of upstream HF task specs.
"""
