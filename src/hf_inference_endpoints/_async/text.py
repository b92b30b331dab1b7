"""Text tasks: classification, entities, zero-shot, fill-mask, QA, summaries, translation.

Written in _async/; codegen/unasync.py generates the _sync twin.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, Unpack, cast, overload

from .._call import Answer, Call
from .._errors import ErrorContext, HfError, InvalidArgument
from .._options import CallOptions
from .._request import OnError, PreparedRequest
from .._rerank import (
    check_serverless_options,
    merge_rankings,
    parse_rankings,
    rank_url,
    rankings_from_scores,
    rerank_body,
    rerank_options,
)
from .._routing import base_headers
from .._routing.build import dumps
from .._routing.mapping import check_fallback_target
from .._tasks import need
from ._execute import execute
from ._task_runner import AsyncTaskService

if TYPE_CHECKING:
    from .._options import CallKeywords
    from ..models import (
        FillMaskOutputElement,
        QuestionAnsweringOutputElement,
        SummarizationOutput,
        TableQuestionAnsweringOutputElement,
        TextClassificationOutputElement,
        TextRankingOutputElement,
        TokenClassificationOutputElement,
        TranslationOutput,
        ZeroShotClassificationOutputElement,
    )

__all__ = ["AsyncText"]

Truncation = Literal["do_not_truncate", "longest_first", "only_first", "only_second"]


def _text_or_batch(text: str | list[str] | None) -> str | list[str]:
    """The ``text`` argument: one text, or a batch (a list) the service runs in one call."""
    if isinstance(text, list):
        return text
    return need(text, "text")


def _on_rank_route(on_error: OnError | None) -> OnError | None:
    """An endpoint's recovery for a rank request: the request it asks to send instead (its
    URL looked up again after a 404) goes to that URL's ``/rerank`` too."""
    if on_error is None:
        return None
    recover = on_error

    async def on_rank_error(error: HfError) -> PreparedRequest | None:
        fixed: PreparedRequest | None = await recover(error)
        if fixed is None:
            return None
        return dataclasses.replace(fixed, url=rank_url(fixed.url))

    return on_rank_error


class AsyncText(AsyncTaskService):
    """``client.text``: the text tasks of hf-inference (and of dedicated endpoints).

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

    Options are checked strictly against the task's ``<Task>Parameters`` model before
    anything is sent (``top_k="5"`` raises ``ValidationError``); ``None`` means unset.
    List results carry ``response_meta`` on each element.
    """

    @overload
    async def classify(
        self,
        model: str | None = None,
        text: str | None = None,
        *,
        function_to_apply: Literal["sigmoid", "softmax", "none"] | None = None,
        top_k: int | None = None,
        **options: Unpack[CallKeywords],
    ) -> list[TextClassificationOutputElement]: ...

    @overload
    async def classify(
        self,
        model: str | None = None,
        text: list[str] = ...,
        *,
        function_to_apply: Literal["sigmoid", "softmax", "none"] | None = None,
        top_k: int | None = None,
        **options: Unpack[CallKeywords],
    ) -> list[list[TextClassificationOutputElement]]: ...

    async def classify(
        self,
        model: str | None = None,
        text: str | list[str] | None = None,
        *,
        function_to_apply: Literal["sigmoid", "softmax", "none"] | None = None,
        top_k: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[TextClassificationOutputElement] | list[list[TextClassificationOutputElement]]:
        """Classify a text (sentiment, topic, ...): text-classification.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            text: The text to classify, or a list of texts (a batch, sent in one call).
            function_to_apply: How logits become scores (``sigmoid``, ``softmax``, ``none``).
            top_k: Return only the k best labels.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            Labels with scores, best first; for a batch, one such list per text.

        Raises:
            ValidationError: A wrong option type (nothing sent) or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> labels = await client.text.classify(  # doctest: +SKIP
            ...     model="distilbert/distilbert-base-uncased-finetuned-sst-2-english",
            ...     text="I like you",
            ... )
            >>> labels[0].label, labels[0].score  # doctest: +SKIP
            ('POSITIVE', 0.9998...)
        """
        inputs = _text_or_batch(text)
        parameters = {"function_to_apply": function_to_apply, "top_k": top_k}
        result = await self._run(
            "text-classification",
            inputs,
            parameters,
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast(
            "list[TextClassificationOutputElement] | list[list[TextClassificationOutputElement]]",
            result,
        )

    async def classify_tokens(
        self,
        model: str | None = None,
        text: str | None = None,
        *,
        aggregation_strategy: Literal["none", "simple", "first", "average", "max"] | None = None,
        ignore_labels: Sequence[str] | None = None,
        stride: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[TokenClassificationOutputElement]:
        """Tag the tokens or entities of a text (NER, POS): token-classification.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            text: The text to tag.
            aggregation_strategy: How sub-word tokens merge into entities.
            ignore_labels: Labels to leave out (e.g. ``["O"]``).
            stride: Token overlap between the chunks of a long text.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            Entities (``entity_group``) or tokens (``entity``), in text order.

        Raises:
            ValidationError: A wrong option type (nothing sent) or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> entities = await client.text.classify_tokens(  # doctest: +SKIP
            ...     model="dslim/bert-base-NER", text="My name is Sarah and I live in London"
            ... )
            >>> [(e.entity_group, e.word) for e in entities]  # doctest: +SKIP
            [('PER', 'Sarah'), ('LOC', 'London')]
        """
        text = need(text, "text")
        parameters = {
            "aggregation_strategy": aggregation_strategy,
            "ignore_labels": list(ignore_labels) if ignore_labels is not None else None,
            "stride": stride,
        }
        result = await self._run(
            "token-classification",
            text,
            parameters,
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[TokenClassificationOutputElement]", result)

    async def zero_shot_classify(
        self,
        model: str | None = None,
        text: str | None = None,
        candidate_labels: Sequence[str] | None = None,
        multi_label: bool = False,
        *,
        hypothesis_template: str | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[ZeroShotClassificationOutputElement]:
        """Score a text against labels you choose: zero-shot-classification.

        Both answer shapes are read: today's ``[{label, score}]`` and the older
        ``{sequence, labels, scores}``, which becomes the same list.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            text: The text to classify.
            candidate_labels: The labels to score (at least one).
            multi_label: Score each label on its own (True) instead of normalising the
                scores to sum to 1 (False, the default; always sent).
            hypothesis_template: NLI hypothesis with ``{}`` for the label.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            The labels with scores, best first.

        Raises:
            ValidationError: No label, a wrong option type (nothing sent), or the server
                refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> scores = await client.text.zero_shot_classify(  # doctest: +SKIP
            ...     model="facebook/bart-large-mnli",
            ...     text="The rocket reached orbit.",
            ...     candidate_labels=["space", "cooking"],
            ... )
            >>> scores[0].label  # doctest: +SKIP
            'space'
        """
        text = need(text, "text")
        candidate_labels = need(candidate_labels, "candidate_labels")
        if isinstance(candidate_labels, str):
            candidate_labels = [candidate_labels]
        parameters = {
            "candidate_labels": list(candidate_labels),
            "multi_label": multi_label,
            "hypothesis_template": hypothesis_template,
        }
        result = await self._run(
            "zero-shot-classification",
            text,
            parameters,
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[ZeroShotClassificationOutputElement]", result)

    @overload
    async def fill_mask(
        self,
        model: str | None = None,
        text: str | None = None,
        *,
        targets: Sequence[str] | None = None,
        top_k: int | None = None,
        **options: Unpack[CallKeywords],
    ) -> list[FillMaskOutputElement]: ...

    @overload
    async def fill_mask(
        self,
        model: str | None = None,
        text: list[str] = ...,
        *,
        targets: Sequence[str] | None = None,
        top_k: int | None = None,
        **options: Unpack[CallKeywords],
    ) -> list[list[FillMaskOutputElement]]: ...

    async def fill_mask(
        self,
        model: str | None = None,
        text: str | list[str] | None = None,
        *,
        targets: Sequence[str] | None = None,
        top_k: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[FillMaskOutputElement] | list[list[FillMaskOutputElement]]:
        """Predict the token behind the model's mask token (``[MASK]``, ``<mask>``): fill-mask.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            text: Text holding the model's mask token, or a list of such texts (a batch).
            targets: Score only these candidates.
            top_k: How many candidates to return.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            Candidates, best first. With several mask tokens the server answers a list
            per mask; they are returned one mask after the other (``sequence`` tells).
            For a batch, one such list per text.

        Raises:
            ValidationError: A wrong option type (nothing sent) or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> out = await client.text.fill_mask(  # doctest: +SKIP
            ...     model="distilbert/distilroberta-base", text="The goal of life is <mask>."
            ... )
            >>> out[0].token_str  # doctest: +SKIP
            ' happiness'
        """
        inputs = _text_or_batch(text)
        parameters = {
            "targets": list(targets) if targets is not None else None,
            "top_k": top_k,
        }
        result = await self._run(
            "fill-mask",
            inputs,
            parameters,
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[FillMaskOutputElement] | list[list[FillMaskOutputElement]]", result)

    async def answer(
        self,
        model: str | None = None,
        question: str | None = None,
        context: str | None = None,
        *,
        align_to_words: bool | None = None,
        doc_stride: int | None = None,
        handle_impossible_answer: bool | None = None,
        max_answer_len: int | None = None,
        max_question_len: int | None = None,
        max_seq_len: int | None = None,
        top_k: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[QuestionAnsweringOutputElement]:
        """Find the answer to a question in a text: question-answering.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            question: The question.
            context: The text holding the answer.
            align_to_words: Snap the answer to word boundaries.
            doc_stride: Token overlap between chunks of a long context.
            handle_impossible_answer: Allow an empty answer.
            max_answer_len: Longest answer, in tokens.
            max_question_len: Truncate the question to this many tokens.
            max_seq_len: Tokens per (question + context chunk).
            top_k: Return up to k answers.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            The answers, best first: one element unless ``top_k`` > 1 (the server's single
            object and its list both become this list).

        Raises:
            ValidationError: A wrong option type (nothing sent) or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> [best] = await client.text.answer(  # doctest: +SKIP
            ...     model="deepset/roberta-base-squad2",
            ...     question="What is the meaning of life?",
            ...     context="42",
            ... )
            >>> best.answer, best.start, best.end  # doctest: +SKIP
            ('42', 0, 2)
        """
        question = need(question, "question")
        context = need(context, "context")
        parameters = {
            "align_to_words": align_to_words,
            "doc_stride": doc_stride,
            "handle_impossible_answer": handle_impossible_answer,
            "max_answer_len": max_answer_len,
            "max_question_len": max_question_len,
            "max_seq_len": max_seq_len,
            "top_k": top_k,
        }
        result = await self._run(
            "question-answering",
            {"question": question, "context": context},
            parameters,
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[QuestionAnsweringOutputElement]", result)

    async def answer_table(
        self,
        model: str | None = None,
        query: str | None = None,
        table: Mapping[str, Sequence[str]] | None = None,
        *,
        padding: Literal["do_not_pad", "longest", "max_length"] | None = None,
        sequential: bool | None = None,
        truncation: bool | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> TableQuestionAnsweringOutputElement:
        """Answer a question about a table: table-question-answering.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            query: The question.
            table: The table by column: header -> the column's cells, as strings.
            padding: Tokenizer padding.
            sequential: Run questions one by one (conversational models such as SQA).
            truncation: Truncate tables too long for the model.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            ``answer``, ``coordinates`` (``[row, column]``), ``cells`` and ``aggregator``.

        Raises:
            ValidationError: A cell that is not a string, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> out = await client.text.answer_table(  # doctest: +SKIP
            ...     model="google/tapas-base-finetuned-wtq",
            ...     query="How many stars does the transformers repository have?",
            ...     table={"Repository": ["Transformers", "Datasets"], "Stars": ["36542", "4512"]},
            ... )
            >>> out.cells  # doctest: +SKIP
            ['36542']
        """
        query = need(query, "query")
        table = need(table, "table")
        parameters = {"padding": padding, "sequential": sequential, "truncation": truncation}
        inputs = {
            "query": query,
            "table": {k: list(v) for k, v in table.items()}
            if isinstance(table, Mapping)
            else table,
        }
        result = await self._run(
            "table-question-answering",
            inputs,
            parameters,
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("TableQuestionAnsweringOutputElement", result)

    async def classify_table(
        self,
        model: str | None = None,
        table: Mapping[str, Sequence[str | float]] | None = None,
        *,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[str | int]:
        """Predict a label for each row of a table: tabular-classification.

        Args:
            model: See the class docstring (e.g. a scikit-learn model on the Hub).
            table: The rows by column: name -> the column's values (strings or numbers),
                the same number in every column.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            One label per row, in row order.

        Raises:
            ValidationError: An empty table, columns of different lengths, a cell that is
                neither a string nor a number (nothing sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> await client.text.classify_table(  # doctest: +SKIP
            ...     "julien-c/wine-quality", {"fixed_acidity": ["7.4", "7.8"], "alcohol": ["9.4", "9.8"]}
            ... )
            ['5', '5']
        """
        table = need(table, "table")
        result = await self._run(
            "tabular-classification",
            table,
            {},
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[str | int]", result)

    async def regress_table(
        self,
        model: str | None = None,
        table: Mapping[str, Sequence[str | float]] | None = None,
        *,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[float]:
        """Predict a number for each row of a table: tabular-regression.

        Args:
            model: See the class docstring.
            table: The rows by column, as in :meth:`classify_table`.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            One value per row, in row order.

        Raises:
            ValidationError: As :meth:`classify_table`.
            HfError: Any other failure, as a subclass.

        Example:
            >>> await client.text.regress_table(  # doctest: +SKIP
            ...     "scikit-learn/Fish-Weight", {"Height": ["11.52", "12.48"], "Width": ["4.02", "4.3"]}
            ... )
            [110.0, 150.0]
        """
        table = need(table, "table")
        result = await self._run(
            "tabular-regression",
            table,
            {},
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[float]", result)

    @overload
    async def summarize(
        self,
        model: str | None = None,
        text: str | None = None,
        *,
        clean_up_tokenization_spaces: bool | None = None,
        generate_parameters: Mapping[str, Any] | None = None,
        truncation: Truncation | None = None,
        **options: Unpack[CallKeywords],
    ) -> SummarizationOutput: ...

    @overload
    async def summarize(
        self,
        model: str | None = None,
        text: list[str] = ...,
        *,
        clean_up_tokenization_spaces: bool | None = None,
        generate_parameters: Mapping[str, Any] | None = None,
        truncation: Truncation | None = None,
        **options: Unpack[CallKeywords],
    ) -> list[SummarizationOutput]: ...

    async def summarize(
        self,
        model: str | None = None,
        text: str | list[str] | None = None,
        *,
        clean_up_tokenization_spaces: bool | None = None,
        generate_parameters: Mapping[str, Any] | None = None,
        truncation: Truncation | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> SummarizationOutput | list[SummarizationOutput]:
        """Summarise a text: summarization.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            text: The text to summarise, or a list of texts (a batch, sent in one call).
            clean_up_tokenization_spaces: Remove spaces tokenization leaves around punctuation.
            generate_parameters: Keyword arguments for the model's ``generate()``.
            truncation: Truncation strategy for over-long inputs.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            ``summary_text``; for a batch, one result per text.

        Raises:
            ValidationError: A wrong option type (nothing sent) or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> out = await client.text.summarize(  # doctest: +SKIP
            ...     model="sshleifer/distilbart-cnn-12-6", text=long_article
            ... )
            >>> out.summary_text  # doctest: +SKIP
        """
        inputs = _text_or_batch(text)
        parameters = {
            "clean_up_tokenization_spaces": clean_up_tokenization_spaces,
            "generate_parameters": dict(generate_parameters) if generate_parameters else None,
            "truncation": truncation,
        }
        result = await self._run(
            "summarization",
            inputs,
            parameters,
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("SummarizationOutput | list[SummarizationOutput]", result)

    @overload
    async def translate(
        self,
        model: str | None = None,
        text: str | None = None,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        *,
        clean_up_tokenization_spaces: bool | None = None,
        generate_parameters: Mapping[str, Any] | None = None,
        truncation: Truncation | None = None,
        **options: Unpack[CallKeywords],
    ) -> TranslationOutput: ...

    @overload
    async def translate(
        self,
        model: str | None = None,
        text: list[str] = ...,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        *,
        clean_up_tokenization_spaces: bool | None = None,
        generate_parameters: Mapping[str, Any] | None = None,
        truncation: Truncation | None = None,
        **options: Unpack[CallKeywords],
    ) -> list[TranslationOutput]: ...

    async def translate(
        self,
        model: str | None = None,
        text: str | list[str] | None = None,
        src_lang: str | None = None,
        tgt_lang: str | None = None,
        *,
        clean_up_tokenization_spaces: bool | None = None,
        generate_parameters: Mapping[str, Any] | None = None,
        truncation: Truncation | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> TranslationOutput | list[TranslationOutput]:
        """Translate a text: translation.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            text: The text to translate, or a list of texts (a batch, sent in one call).
            src_lang: Source language, for many-to-many models (e.g. ``en_XX``).
            tgt_lang: Target language (e.g. ``fr_XX``).
            clean_up_tokenization_spaces: Remove spaces tokenization leaves around punctuation.
            generate_parameters: Keyword arguments for the model's ``generate()``.
            truncation: Truncation strategy for over-long inputs.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            ``translation_text``; for a batch, one result per text.

        Raises:
            ValidationError: A wrong option type (nothing sent) or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> out = await client.text.translate(  # doctest: +SKIP
            ...     model="facebook/mbart-large-50-many-to-many-mmt",
            ...     text="Hello world", src_lang="en_XX", tgt_lang="fr_XX",
            ... )
            >>> out.translation_text  # doctest: +SKIP
        """
        inputs = _text_or_batch(text)
        parameters = {
            "src_lang": src_lang,
            "tgt_lang": tgt_lang,
            "clean_up_tokenization_spaces": clean_up_tokenization_spaces,
            "generate_parameters": dict(generate_parameters) if generate_parameters else None,
            "truncation": truncation,
        }
        result = await self._run(
            "translation",
            inputs,
            parameters,
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("TranslationOutput | list[TranslationOutput]", result)

    async def rank(
        self,
        query: str,
        texts: Sequence[str],
        *,
        model: str | None = None,
        raw_scores: bool | None = None,
        return_text: bool | None = None,
        truncate: bool | None = None,
        truncation_direction: Literal["Left", "Right"] | None = None,
        batch_size: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[TextRankingOutputElement]:
        """Rank texts by how well they answer a query.

        Three targets:

        * a TEI server's URL (``model="https://..."``) or a dedicated ``endpoint=`` running
          TEI with a reranker: ``POST /rerank`` (a cross-encoder's relevance);
        * a Hub model id (``model="org/name"``): HF serves no text ranking serverless, so
          the texts are scored with the model's ``sentence-similarity`` (on hf-inference,
          or the ``provider`` given; the query is the source sentence) and ranked by that
          score: a bi-encoder's similarity, not a reranker's relevance. The TEI-only
          options (``raw_scores``, ``truncate``, ``truncation_direction``) are refused there.

        The texts go in batches of at most ``batch_size`` (default: the TEI server's
        ``max_client_batch_size`` from ``GET /info``, else ``config.embedding_batch_size``),
        one after the other, within the call's ``timeout``.

        Args:
            query: What the texts are ranked against.
            texts: The candidates.
            model: The URL of a TEI server running a reranker (``/rerank`` is added), or
                a Hub model id served for sentence-similarity.
            endpoint: A dedicated Inference Endpoint (``"name"`` or ``"namespace/name"``)
                running TEI with a reranker, instead of ``model``.
            raw_scores: Logits instead of 0..1 scores (TEI only).
            return_text: Each result carries its text.
            truncate: Cut over-long inputs instead of refusing them (TEI only).
            truncation_direction: ``"Left"`` or ``"Right"`` (TEI only).
            batch_size: Texts per request (at most the server's limit).
            provider: For a Hub model id: the provider serving its sentence-similarity
                (default ``hf-inference``'s rules, as every task). Not used with a URL or
                endpoint (accepted so a ``with_options(provider=...)`` view can call it).
            fallback: Provider failover for a Hub model id; a URL or endpoint has no
                provider to fail over to: ``True`` or names raise ``ValidationError``.
            bill_to, timeout, extra_headers, extra_body: As every call.

        Returns:
            One result per text, best first: ``index`` (the text's position in
            ``texts``), ``score`` and ``text`` (with ``return_text``).

        Raises:
            ValidationError: Wrong arguments, no ``model`` and no ``endpoint``, or a TEI-only
                option with a Hub model id (nothing is sent).
            HfError: As any call (``RequestRejected`` for a batch the server refuses; the
                routing error when the provider serves no sentence-similarity).

        Example:
            >>> ranked = await client.text.rank(  # doctest: +SKIP
            ...     "What is Paris?", ["Paris is the capital of France.", "Bread."],
            ...     model="https://my-reranker.endpoints.huggingface.cloud",
            ... )
            >>> ranked[0].index  # doctest: +SKIP
            0
        """
        options = {
            "raw_scores": raw_scores,
            "return_text": return_text,
            "truncate": truncate,
            "truncation_direction": truncation_direction,
        }
        items, fields = rerank_options(query, texts, options, batch_size)
        if endpoint is None and model is None:
            raise InvalidArgument(
                "rank needs model= (a TEI reranker's URL, or a Hub model id ranked by "
                "sentence-similarity) or endpoint= (a dedicated endpoint running TEI)"
            )
        if endpoint is None and isinstance(model, str) and "://" not in model:
            check_serverless_options(fields)
            return await self._rank_by_similarity(
                query,
                items,
                model,
                return_text=bool(return_text),
                batch_size=batch_size,
                provider=provider,
                fallback=fallback,
                bill_to=bill_to,
                timeout=timeout,
                extra_headers=extra_headers,
                extra_body=extra_body,
            )
        check_fallback_target(fallback, url=model, endpoint=endpoint)
        client = self._client
        deadline = client._deadline(timeout)
        await client._refresh_token()
        if endpoint is None:
            if not isinstance(model, str):
                raise InvalidArgument(f"model must be a string, got {type(model).__name__}")
            base = model.rstrip("/").removesuffix("/rerank")
            info = await client.embeddings._tei_info(base, deadline)
            limit = info.max_client_batch_size if info is not None else None
            size = batch_size or limit or client.config.embedding_batch_size
            if limit:
                size = min(size, limit)
        else:
            base, size = "", batch_size or client.config.embedding_batch_size
        batches = []
        for offset in range(0, len(items), size):
            chunk = items[offset : offset + size]
            body = rerank_body(query, chunk, fields)
            call = Call(
                "text-ranking",
                body,
                deadline,
                model,
                # a URL or an endpoint: no provider (one given is not used) and no
                # failover (refused above)
                CallOptions.for_call(
                    provider=None,
                    endpoint=endpoint,
                    fallback=None,
                    bill_to=bill_to,
                    extra_headers=extra_headers,
                    extra_body=extra_body,
                ),
                answer=Answer(from_bytes=partial(parse_rankings, count=len(chunk), offset=offset)),
            )
            on_error = None
            if endpoint is None:
                prepared = self._rank_request(base, call)
            else:
                routed = await client._route(call)
                prepared = dataclasses.replace(routed.request, url=rank_url(routed.request.url))
                on_error = _on_rank_route(routed.on_error)
            deadline.left(model=model, provider="endpoint")
            results, meta = await execute(client, call, prepared, on_error=on_error)
            for result in results:
                result._response_meta = meta
            batches.append(results)
        return merge_rankings(batches)

    async def _rank_by_similarity(
        self,
        query: str,
        items: list[str],
        model: str,
        *,
        return_text: bool,
        batch_size: int | None,
        provider: str | None,
        fallback: bool | Sequence[str] | None,
        bill_to: str | None,
        timeout: float | None,
        extra_headers: Mapping[str, str] | None,
        extra_body: Mapping[str, Any] | None,
    ) -> list[TextRankingOutputElement]:
        """Serverless rank: each batch's sentence-similarity scores, merged best first.

        One deadline (``timeout=``) governs the whole rank: every batch draws from it.
        """
        client = self._client
        deadline = client._deadline(timeout)
        size = batch_size or client.config.embedding_batch_size
        batches = []
        for offset in range(0, len(items), size):
            chunk = items[offset : offset + size]
            deadline.left(model=model, provider=provider)  # nothing more once it ran out
            scores = await client.embeddings._similarity(
                model,
                query,
                chunk,
                provider=provider,
                endpoint=None,
                fallback=fallback,
                bill_to=bill_to,
                deadline=deadline,
                extra_headers=extra_headers,
                extra_body=extra_body,
            )
            # similarity() checked one score per text
            results = rankings_from_scores(scores, chunk, offset=offset, return_text=return_text)
            for result in results:
                result._response_meta = scores.response_meta
            batches.append(results)
        return merge_rankings(batches)

    def _rank_request(self, base: str, call: Call) -> PreparedRequest:
        """The ``/rerank`` request of ``call`` on the TEI server at ``base``."""
        config = self._client.config
        options, body = call.options, call.body
        assert isinstance(body, dict)
        extra_headers, extra_body, bill_to = (
            options.extra_headers,
            options.extra_body,
            options.bill_to,
        )
        headers = base_headers(
            config.token_value,
            bill_to=bill_to or config.bill_to,
            user_agent_extra=config.user_agent,
        )
        headers["content-type"] = "application/json"
        if extra_headers:
            headers.update({k.lower(): v for k, v in extra_headers.items()})
        if extra_body:
            body = {**body, **extra_body}
        return PreparedRequest(
            "POST",
            rank_url(base),
            headers,
            dumps(body),
            context=ErrorContext(provider="endpoint", endpoint=base),
            task="text-ranking",
            deadline=call.deadline,
        )
