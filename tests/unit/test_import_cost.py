"""What importing the client loads: only what a call needs, when it needs it (issue 17)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _modules_after(code: str) -> set[str]:
    probe = textwrap.dedent(code) + "\nimport sys\nprint('\\n'.join(sys.modules))\n"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(done.stdout.split())


def _tops(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_importing_the_clients_loads_no_connection_pool_telemetry_or_audio() -> None:
    loaded = _tops(
        _modules_after(
            "from hf_inference_endpoints import AsyncHfInferenceClient, HfInferenceClient"
        )
    )
    # httpx2 and httpcore2 (and the trio/anyio/h11 stack it imports) come with the first
    # client; pydantic and the models with the first call that parses an answer
    assert not loaded & {"httpx2", "httpcore2", "trio", "h11", "opentelemetry", "orjson"}
    assert not loaded & {"pydantic", "pydantic_core", "numpy", "wave", "uuid", "platform"}
    assert not loaded & {"email", "ssl", "http"}  # httpx2's, not ours to load at import


def test_a_client_loads_its_pool_but_not_telemetry_nobody_set_up() -> None:
    loaded = _tops(
        _modules_after(
            """
            from hf_inference_endpoints import HfInferenceClient
            HfInferenceClient(token="hf_x").close()
            """
        )
    )
    assert "httpcore2" in loaded
    assert "opentelemetry" not in loaded


_FIRST_CHAT = """
import http.server, json, sys, threading

ANSWER = json.dumps({
    "id": "c1", "object": "chat.completion", "created": 1, "model": "m",
    "choices": [{"index": 0, "finish_reason": "stop",
                 "message": {"role": "assistant", "content": "Paris."}}],
    "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
}).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["content-length"]))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(ANSWER)))
        self.end_headers()
        self.wfile.write(ANSWER)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
from hf_inference_endpoints import HfInferenceClient

with HfInferenceClient(token="hf_x") as client:
    reply = client.chat.complete(
        model=f"http://127.0.0.1:{server.server_address[1]}",
        messages=[{"role": "user", "content": "Capital of France?"}],
    )
print(type(reply).__name__, reply.choices[0].message.content, reply.usage.total_tokens)
server.shutdown()
"""


def test_a_first_chat_loads_the_chat_models_and_nothing_it_does_not_use() -> None:
    modules = _modules_after(_FIRST_CHAT)
    assert {"ChatCompletion", "Paris.", "5"} <= modules  # the reply line, printed first
    ours = {m for m in modules if m.startswith("hf_inference_endpoints.")}
    assert "hf_inference_endpoints.models.chat_completion" in ours  # the typed answer
    # no other task's models, no provider helper a URL target does not use, no
    # embeddings, bulk, endpoint or storage backends, no CLI
    models = {m for m in ours if m.startswith("hf_inference_endpoints.models.")}
    assert models == {"hf_inference_endpoints.models.chat_completion"}
    helpers = {m.rsplit(".", 1)[1] for m in ours if "._routing.providers." in m}
    assert helpers <= {"_base", "generic", "hf_inference"}
    for unused in ("_embeddings", "_bulk", "_endpoints", "_tasks", "cli", "emulator"):
        assert not any(m.startswith(f"hf_inference_endpoints.{unused}") for m in ours), unused
    assert not _tops(modules) & {"numpy", "orjson", "opentelemetry", "redis", "diskcache"}


def test_the_clients_constructor_annotations_resolve_without_importing_httpx2_first() -> None:
    # what dependency-injection containers and FastAPI do with a constructor; httpx2 is
    # kept out of the import, and imported only when an annotation naming it is resolved
    probe = """
        import inspect, sys, typing
        from hf_inference_endpoints import AsyncHfInferenceClient, HfInferenceClient
        assert "httpx2" not in sys.modules
        sync_hints = typing.get_type_hints(HfInferenceClient.__init__)
        async_hints = typing.get_type_hints(AsyncHfInferenceClient.__init__)
        import httpx2
        assert sync_hints["http_client"] == httpx2.Client | None, sync_hints
        assert async_hints["http_client"] == httpx2.AsyncClient | None, async_hints
        signature = inspect.signature(HfInferenceClient.__init__, eval_str=True)
        assert signature.parameters["http_client"].annotation == httpx2.Client | None
        print("resolved")
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(probe)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["resolved"]
