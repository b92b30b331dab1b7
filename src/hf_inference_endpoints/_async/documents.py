"""Document tasks: questions about scanned pages and forms.

Written in _async/; codegen/unasync.py generates the _sync twin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from .._inputs import FileInput
from .._tasks import need
from ._task_runner import AsyncTaskService

if TYPE_CHECKING:
    from ..models import DocumentQuestionAnsweringOutputElement

__all__ = ["AsyncDocuments"]


class AsyncDocuments(AsyncTaskService):
    """``client.documents``: document question answering.

    The document is an image of the page (bytes, a path, an ``http(s)://`` URL
    downloaded without your token, a ``data:`` URL, a binary file object or a PIL
    image); it is sent base64-encoded in ``{"inputs": {"image", "question"}}``.

    The main arguments may be given by position, in the order of the signatures
    (``model`` first: ``classify(model, text)``); a missing one raises ``ValidationError``.
    Every method also takes these keyword arguments:

    * ``model``: ``org/name``, ``org/name:<provider>``, or an endpoint URL. When omitted
      (and no ``endpoint``), the Hub's recommended model for the task is used.
    * ``provider``: ``hf-inference`` (default) or another provider name.
    * ``endpoint``: a dedicated Inference Endpoint (``"name"`` or ``"namespace/name"``).
    * ``fallback``: provider failover for this call: ``True`` (any other live mapped
      provider) or provider names to try next, in order, after a 429, a 5xx or an
      unavailable model (default: ``config.fallback``, off). It applies to Hub model ids
      routed to a provider (a provider job fails over at its submit);
      ``response_meta.providers_tried`` lists the providers tried. A URL or an
      ``endpoint`` has no provider to fail over to: passing it there raises
      ``ValidationError``.
    * ``bill_to``: the organisation billed for this call (``X-HF-Bill-To``; wins over
      ``config.bill_to``). Sent with an HF token only, never with a provider's own key.
    * ``timeout``: total seconds for the call, across retries and cold-start waits.
    * ``extra_headers`` / ``extra_body``: sent as given (they win over ours).
    """

    async def answer(
        self,
        model: str | None = None,
        image: FileInput = None,
        question: str | None = None,
        *,
        doc_stride: int | None = None,
        handle_impossible_answer: bool | None = None,
        lang: str | None = None,
        max_answer_len: int | None = None,
        max_question_len: int | None = None,
        max_seq_len: int | None = None,
        top_k: int | None = None,
        word_boxes: Sequence[str | Sequence[float]] | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[DocumentQuestionAnsweringOutputElement]:
        """Answer a question about a document page: document-question-answering.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The page, as an image (see the class docstring).
            question: The question.
            doc_stride: Token overlap between chunks of a long document.
            handle_impossible_answer: Allow an empty answer.
            lang: Language of the OCR step (default English).
            max_answer_len: Longest answer, in tokens.
            max_question_len: Truncate the question to this many tokens.
            max_seq_len: Tokens per (question + document chunk).
            top_k: Return up to k answers.
            word_boxes: Skip OCR: the page's words, each a string or a box
                ``[x0, y0, x1, y1]`` normalised to 0-1000.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            Answers, best first, with word indices ``start``/``end``.

        Raises:
            ValidationError: Unreadable or too large image, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> answers = await client.documents.answer(  # doctest: +SKIP
            ...     model="impira/layoutlm-document-qa", image="invoice.png",
            ...     question="What is the invoice number?",
            ... )
            >>> answers[0].answer  # doctest: +SKIP
        """
        image = need(image, "image")
        question = need(question, "question")
        boxes = (
            [box if isinstance(box, str) else list(box) for box in word_boxes]
            if word_boxes is not None
            else None
        )
        parameters = {
            "doc_stride": doc_stride,
            "handle_impossible_answer": handle_impossible_answer,
            "lang": lang,
            "max_answer_len": max_answer_len,
            "max_question_len": max_question_len,
            "max_seq_len": max_seq_len,
            "top_k": top_k,
            "word_boxes": boxes,
        }
        result = await self._client._task_runner.run(
            "document-question-answering",
            model=model,
            inputs={"image": image, "question": question},
            parameters=parameters,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[DocumentQuestionAnsweringOutputElement]", result)
