"""What mypy infers for the batch methods of ``client.text`` (``make check``'s mypy, never run).

One text gives one result, a list gives one result per text; the call options (shared
by the overloads through ``Unpack[CallKeywords]``) keep their names and types.
"""

from __future__ import annotations

from typing import assert_type

from hf_inference_endpoints import AsyncHfInferenceClient, HfInferenceClient
from hf_inference_endpoints.models import (
    FillMaskOutputElement,
    SummarizationOutput,
    TextClassificationOutputElement,
    TranslationOutput,
)


def sync_calls(client: HfInferenceClient) -> None:
    one = client.text.classify("m", "I like it", top_k=2, timeout=5.0, bill_to="acme")
    assert_type(one, list[TextClassificationOutputElement])
    many = client.text.classify("m", ["a", "b"], provider="hf-inference", fallback=["together"])
    assert_type(many, list[list[TextClassificationOutputElement]])
    assert_type(client.text.fill_mask("m", "a [MASK]"), list[FillMaskOutputElement])
    assert_type(client.text.fill_mask("m", ["a [MASK]"]), list[list[FillMaskOutputElement]])
    assert_type(client.text.summarize("m", "t", extra_body={"x": 1}), SummarizationOutput)
    assert_type(client.text.summarize("m", ["t"]), list[SummarizationOutput])
    assert_type(client.text.translate("m", "t", extra_headers={"x": "y"}), TranslationOutput)
    assert_type(client.text.translate(text=["t"], endpoint="ep"), list[TranslationOutput])


async def async_calls(client: AsyncHfInferenceClient) -> None:
    one = await client.text.classify("m", "I like it", timeout=1.0)
    assert_type(one, list[TextClassificationOutputElement])
    many = await client.text.translate("m", ["a", "b"], src_lang="en", tgt_lang="fr")
    assert_type(many, list[TranslationOutput])
