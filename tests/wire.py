"""A scripted HTTP peer for ``httpx2.MockTransport`` tests of both twins (no I/O of its own).

Answers are registered per ``METHOD url`` (URL unquoted, query included); each call takes
the next answer of its list and the last one repeats. Every request is kept, so tests
assert the exact requests sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import httpx2

__all__ = ["Answer", "Wire"]

#: A canned response, or a function of the request that returns one.
Answer = httpx2.Response | Callable[[httpx2.Request], httpx2.Response]


class Wire:
    """Answers per ``METHOD url`` (a list: one answer per call, the last one repeats).

    Attributes:
        routes: ``"METHOD url"`` -> the answers still to give.
        requests: Every request received, in order.
        on_request: Called with each request before it is answered (e.g. to advance a
            fake clock).
    """

    def __init__(self) -> None:
        self.routes: dict[str, list[Answer]] = {}
        self.requests: list[httpx2.Request] = []
        self.on_request: Callable[[httpx2.Request], None] | None = None

    def add(self, method: str, url: str, *answers: Answer) -> Wire:
        """Answer ``method url`` with ``answers``, in order (the last one repeats)."""
        self.routes.setdefault(f"{method} {url}", []).extend(answers)
        return self

    def mapping(self, hub: str, model: str, mapping: Any) -> Wire:
        """Answer the Hub's provider-mapping lookup of ``model`` with ``mapping``.

        ``mapping`` is sent as given: the Hub's object form (provider -> entry) or its
        list form.
        """
        url = f"{hub}/api/models/{model}?expand[]=inferenceProviderMapping"
        body = {"id": model, "inferenceProviderMapping": mapping}
        return self.add("GET", url, httpx2.Response(200, json=body))

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if self.on_request is not None:
            self.on_request(request)
        query = unquote(request.url.query.decode())
        base = unquote(str(request.url).split("?", 1)[0])
        key = f"{request.method} {base}" + (f"?{query}" if query else "")
        answers = self.routes.get(key)
        if not answers:
            return httpx2.Response(599, json={"error": f"unexpected {key}"})
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return answer(request) if callable(answer) else answer

    def urls(self) -> list[str]:
        """``METHOD url`` of every request, in order."""
        return [f"{r.method} {unquote(str(r.url))}" for r in self.requests]

    def body(self, index: int) -> Any:
        """The JSON body of request ``index``."""
        return json.loads(self.requests[index].content)

    def bill_to(self) -> list[str | None]:
        """The X-HF-Bill-To of every request, in order (None: not sent)."""
        return [r.headers.get("x-hf-bill-to") for r in self.requests]
