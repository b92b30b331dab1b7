"""Image tasks: generation, editing, classification, segmentation, detection, captions...

Written in _async/; codegen/unasync.py generates the _sync twin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from .._inputs import FileInput
from .._tasks import need
from ._task_runner import AsyncTaskService

if TYPE_CHECKING:
    from .._binary import BinaryResult
    from ..models import (
        DepthEstimationOutput,
        ImageClassificationOutputElement,
        ImageSegmentationOutputElement,
        ImageToTextOutput,
        ObjectDetectionOutputElement,
        VisualQuestionAnsweringOutputElement,
        ZeroShotImageClassificationOutputElement,
        ZeroShotObjectDetectionOutputElement,
    )

__all__ = ["AsyncImages"]


def _size(target_size: Mapping[str, int] | None) -> dict[str, int] | None:
    return dict(target_size) if target_size is not None else None


class AsyncImages(AsyncTaskService):
    """``client.images``: image tasks.

    ``image`` arguments accept bytes, a path, an ``http(s)://`` URL (downloaded without
    your token), a ``data:`` URL, a binary file object, or a PIL image (with Pillow).
    Images above ``max_image_size_bytes`` are re-encoded when ``auto_optimize_images``
    is on and Pillow is installed, else refused. Without options, binary-input tasks
    send the raw file; with options, base64 inside the JSON body (WIRE.md §d.1).

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

    Image answers are a :class:`~hf_inference_endpoints.BinaryResult` (``content``,
    ``content_type``, ``save(path)``, ``to_pil()``); list results carry
    ``response_meta`` on each element.
    """

    async def generate(
        self,
        model: str | None = None,
        prompt: str | None = None,
        *,
        negative_prompt: str | None = None,
        width: int | None = None,
        height: int | None = None,
        num_inference_steps: int | None = None,
        guidance_scale: float | None = None,
        scheduler: str | None = None,
        seed: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> BinaryResult:
        """Generate an image from a prompt: text-to-image (sends ``Accept: image/png``).

        Args:
            model: See the class docstring (optional: the Hub's default model).
            prompt: What to draw.
            negative_prompt: What the image should not show.
            width: Image width in pixels.
            height: Image height in pixels.
            num_inference_steps: Denoising steps.
            guidance_scale: How strongly the image follows the prompt.
            scheduler: A compatible diffusers scheduler name.
            seed: Random seed, for reproducible images.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            The image (``content_type`` as the server sent it, e.g. ``image/jpeg``).

        Raises:
            ValidationError: A wrong option type (nothing sent) or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> image = await client.images.generate(  # doctest: +SKIP
            ...     model="black-forest-labs/FLUX.1-dev", prompt="An astronaut riding a horse"
            ... )
            >>> image.save("astronaut.png")  # doctest: +SKIP
        """
        prompt = need(prompt, "prompt")
        parameters = {
            "negative_prompt": negative_prompt,
            "width": width,
            "height": height,
            "num_inference_steps": num_inference_steps,
            "guidance_scale": guidance_scale,
            "scheduler": scheduler,
            "seed": seed,
        }
        result = await self._run(
            "text-to-image",
            prompt,
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
        return cast("BinaryResult", result)

    async def transform(
        self,
        model: str | None = None,
        image: FileInput = None,
        prompt: str | None = None,
        *,
        negative_prompt: str | None = None,
        num_inference_steps: int | None = None,
        guidance_scale: float | None = None,
        target_size: Mapping[str, int] | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> BinaryResult:
        """Transform an image (style transfer, super-resolution, edits): image-to-image.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The source image (see the class docstring).
            prompt: Text describing the wanted result.
            negative_prompt: What the result should not show.
            num_inference_steps: Denoising steps.
            guidance_scale: How strongly the result follows the prompt.
            target_size: ``{"width": w, "height": h}`` of the output, where supported.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            The new image.

        Raises:
            ValidationError: Unreadable or too large image, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> out = await client.images.transform(  # doctest: +SKIP
            ...     model="timbrooks/instruct-pix2pix", image="cat.png", prompt="make it a tiger"
            ... )
        """
        image = need(image, "image")
        parameters = {
            "prompt": prompt,
            "negative_prompt": negative_prompt,
            "num_inference_steps": num_inference_steps,
            "guidance_scale": guidance_scale,
            "target_size": _size(target_size),
        }
        result = await self._run(
            "image-to-image",
            image,
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
        return cast("BinaryResult", result)

    async def edit(
        self,
        model: str | None = None,
        image: FileInput = None,
        prompt: str | None = None,
        *,
        negative_prompt: str | None = None,
        num_inference_steps: int | None = None,
        guidance_scale: float | None = None,
        seed: int | None = None,
        target_size: Mapping[str, int] | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> BinaryResult:
        """Edit an image following an instruction: image-text-to-image.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The image to edit (see the class docstring).
            prompt: The instruction.
            negative_prompt: What the result should not show.
            num_inference_steps: Denoising steps.
            guidance_scale: How strongly the result follows the prompt.
            seed: Random seed, for reproducible images.
            target_size: ``{"width": w, "height": h}`` of the output, where supported.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            The edited image.

        Raises:
            ValidationError: Unreadable or too large image, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> out = await client.images.edit(  # doctest: +SKIP
            ...     model="Qwen/Qwen-Image-Edit", image="room.jpg", prompt="paint the walls blue"
            ... )
        """
        image = need(image, "image")
        prompt = need(prompt, "prompt")
        parameters = {
            "prompt": prompt,
            "negative_prompt": negative_prompt,
            "num_inference_steps": num_inference_steps,
            "guidance_scale": guidance_scale,
            "seed": seed,
            "target_size": _size(target_size),
        }
        result = await self._run(
            "image-text-to-image",
            image,
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
        return cast("BinaryResult", result)

    async def classify(
        self,
        model: str | None = None,
        image: FileInput = None,
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
    ) -> list[ImageClassificationOutputElement]:
        """Classify an image: image-classification.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The image (see the class docstring).
            function_to_apply: How logits become scores.
            top_k: Return only the k best labels.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            Labels with scores, best first.

        Raises:
            ValidationError: Unreadable or too large image, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> labels = await client.images.classify(  # doctest: +SKIP
            ...     model="google/vit-base-patch16-224", image="cat.jpg"
            ... )
            >>> labels[0].label  # doctest: +SKIP
            'tabby, tabby cat'
        """
        image = need(image, "image")
        parameters = {"function_to_apply": function_to_apply, "top_k": top_k}
        result = await self._run(
            "image-classification",
            image,
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
        return cast("list[ImageClassificationOutputElement]", result)

    async def segment(
        self,
        model: str | None = None,
        image: FileInput = None,
        *,
        mask_threshold: float | None = None,
        overlap_mask_area_threshold: float | None = None,
        subtask: Literal["instance", "panoptic", "semantic"] | None = None,
        threshold: float | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[ImageSegmentationOutputElement]:
        """Split an image into labelled segments: image-segmentation.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The image (see the class docstring).
            mask_threshold: Cut-off turning mask probabilities into a binary mask.
            overlap_mask_area_threshold: Drop small disconnected pieces below this ratio.
            subtask: ``instance``, ``panoptic`` or ``semantic``.
            threshold: Drop segments scoring below this.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            One element per segment; ``mask`` is a base64 PNG (``base64.b64decode``).

        Raises:
            ValidationError: Unreadable or too large image, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> segments = await client.images.segment(  # doctest: +SKIP
            ...     model="nvidia/segformer-b0-finetuned-ade-512-512", image="street.jpg"
            ... )
            >>> [s.label for s in segments]  # doctest: +SKIP
        """
        image = need(image, "image")
        parameters = {
            "mask_threshold": mask_threshold,
            "overlap_mask_area_threshold": overlap_mask_area_threshold,
            "subtask": subtask,
            "threshold": threshold,
        }
        result = await self._run(
            "image-segmentation",
            image,
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
        return cast("list[ImageSegmentationOutputElement]", result)

    async def detect(
        self,
        model: str | None = None,
        image: FileInput = None,
        *,
        threshold: float | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[ObjectDetectionOutputElement]:
        """Find objects in an image: object-detection.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The image (see the class docstring).
            threshold: Drop detections scoring below this.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            One element per box: ``label``, ``score`` and ``box`` (pixels).

        Raises:
            ValidationError: Unreadable or too large image, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> found = await client.images.detect(  # doctest: +SKIP
            ...     model="facebook/detr-resnet-50", image="people.jpg"
            ... )
            >>> found[0].label, found[0].box  # doctest: +SKIP
        """
        image = need(image, "image")
        result = await self._run(
            "object-detection",
            image,
            {"threshold": threshold},
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[ObjectDetectionOutputElement]", result)

    async def zero_shot_classify(
        self,
        model: str | None = None,
        image: FileInput = None,
        candidate_labels: Sequence[str] | None = None,
        *,
        hypothesis_template: str | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[ZeroShotImageClassificationOutputElement]:
        """Score an image against labels you choose: zero-shot-image-classification.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The image (see the class docstring).
            candidate_labels: The labels to score (at least one).
            hypothesis_template: Caption template with ``{}`` for the label.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            The labels with scores, best first.

        Raises:
            ValidationError: No label, an unreadable or too large image, a wrong option
                type (nothing sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> scores = await client.images.zero_shot_classify(  # doctest: +SKIP
            ...     model="openai/clip-vit-base-patch32", image="cat.jpg",
            ...     candidate_labels=["cat", "dog"],
            ... )
        """
        image = need(image, "image")
        candidate_labels = need(candidate_labels, "candidate_labels")
        if isinstance(candidate_labels, str):
            candidate_labels = [candidate_labels]
        parameters = {
            "candidate_labels": list(candidate_labels),
            "hypothesis_template": hypothesis_template,
        }
        result = await self._run(
            "zero-shot-image-classification",
            image,
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
        return cast("list[ZeroShotImageClassificationOutputElement]", result)

    async def zero_shot_detect(
        self,
        model: str | None = None,
        image: FileInput = None,
        candidate_labels: Sequence[str] | None = None,
        *,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[ZeroShotObjectDetectionOutputElement]:
        """Find objects you name in an image: zero-shot-object-detection.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The image (see the class docstring).
            candidate_labels: What to look for (at least one).
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            One element per box: the matched ``label``, ``score`` and ``box``.

        Raises:
            ValidationError: No label, an unreadable or too large image, a wrong option
                type (nothing sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> boxes = await client.images.zero_shot_detect(  # doctest: +SKIP
            ...     model="google/owlvit-base-patch32", image="desk.jpg",
            ...     candidate_labels=["laptop", "mug"],
            ... )
        """
        image = need(image, "image")
        candidate_labels = need(candidate_labels, "candidate_labels")
        if isinstance(candidate_labels, str):
            candidate_labels = [candidate_labels]
        result = await self._run(
            "zero-shot-object-detection",
            image,
            {"candidate_labels": list(candidate_labels)},
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[ZeroShotObjectDetectionOutputElement]", result)

    async def caption(
        self,
        model: str | None = None,
        image: FileInput = None,
        *,
        max_new_tokens: int | None = None,
        generation_parameters: Mapping[str, Any] | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> ImageToTextOutput:
        """Describe an image in words: image-to-text.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The image (see the class docstring).
            max_new_tokens: Upper bound on generated tokens.
            generation_parameters: Decoding settings (``GenerationParameters`` fields).
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            ``generated_text`` (element 0 of the server's one-element list).

        Raises:
            ValidationError: Unreadable or too large image, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> out = await client.images.caption(  # doctest: +SKIP
            ...     model="Salesforce/blip-image-captioning-base", image="photo.png"
            ... )
            >>> out.generated_text  # doctest: +SKIP
            'a woman in a hat and dress posing for a photo'
        """
        image = need(image, "image")
        parameters = {
            "max_new_tokens": max_new_tokens,
            "generation_parameters": dict(generation_parameters)
            if generation_parameters is not None
            else None,
        }
        result = await self._run(
            "image-to-text",
            image,
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
        return cast("ImageToTextOutput", result)

    async def estimate_depth(
        self,
        model: str | None = None,
        image: FileInput = None,
        *,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> DepthEstimationOutput:
        """Estimate the depth of every pixel: depth-estimation.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The image (see the class docstring).
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            ``predicted_depth`` (nested lists of numbers) and ``depth`` (base64 PNG).

        Raises:
            ValidationError: Unreadable or too large image, or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> out = await client.images.estimate_depth(  # doctest: +SKIP
            ...     model="Intel/dpt-large", image="room.jpg"
            ... )
        """
        image = need(image, "image")
        result = await self._run(
            "depth-estimation",
            image,
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
        return cast("DepthEstimationOutput", result)

    async def answer(
        self,
        model: str | None = None,
        image: FileInput = None,
        question: str | None = None,
        *,
        top_k: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[VisualQuestionAnsweringOutputElement]:
        """Answer a question about an image: visual-question-answering.

        The body is ``{"inputs": {"image": <base64>, "question"}}``, the shape real
        recordings of hf-inference show (huggingface_hub sends the image as ``inputs``).

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The image (see the class docstring).
            question: The question.
            top_k: Return up to k answers.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            Answers with scores, best first.

        Raises:
            ValidationError: Unreadable or too large image, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> answers = await client.images.answer(  # doctest: +SKIP
            ...     model="dandelin/vilt-b32-finetuned-vqa", image="cat.jpg",
            ...     question="What animal is this?",
            ... )
            >>> answers[0].answer  # doctest: +SKIP
            'cat'
        """
        image = need(image, "image")
        question = need(question, "question")
        result = await self._run(
            "visual-question-answering",
            {"image": image, "question": question},
            {"top_k": top_k},
            model,
            provider,
            endpoint,
            timeout,
            extra_headers,
            extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[VisualQuestionAnsweringOutputElement]", result)
