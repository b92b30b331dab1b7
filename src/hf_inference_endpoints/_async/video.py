"""Video tasks: generation from text or from an image, and classification.

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
    from ..models import VideoClassificationOutputElement

__all__ = ["AsyncVideo"]


class AsyncVideo(AsyncTaskService):
    """``client.video``: video tasks (mostly served by providers and dedicated endpoints).

    ``image``/``video`` arguments accept bytes, a path, an ``http(s)://`` URL (downloaded
    without your token), a ``data:`` URL, a binary file object (or a PIL image for
    ``image``).

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

    async def generate(
        self,
        model: str | None = None,
        prompt: str | None = None,
        *,
        negative_prompt: Sequence[str] | None = None,
        num_frames: int | None = None,
        num_inference_steps: int | None = None,
        guidance_scale: float | None = None,
        seed: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> BinaryResult:
        """Generate a video from a prompt: text-to-video.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            prompt: What the video shows.
            negative_prompt: One or more prompts for what it should not show.
            num_frames: How many frames to generate.
            num_inference_steps: Denoising steps.
            guidance_scale: How strongly the video follows the prompt.
            seed: Random seed, for reproducible videos.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            The video (usually ``video/mp4``).

        Raises:
            ValidationError: A wrong option type (nothing sent) or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> clip = await client.video.generate(  # doctest: +SKIP
            ...     model="Wan-AI/Wan2.1-T2V-14B", prompt="A cat surfing", provider="fal-ai"
            ... )
            >>> clip.save("cat.mp4")  # doctest: +SKIP
        """
        prompt = need(prompt, "prompt")
        if isinstance(negative_prompt, str):
            negative_prompt = [negative_prompt]
        parameters = {
            "negative_prompt": list(negative_prompt) if negative_prompt is not None else None,
            "num_frames": num_frames,
            "num_inference_steps": num_inference_steps,
            "guidance_scale": guidance_scale,
            "seed": seed,
        }
        result = await self._client._task_runner.run(
            "text-to-video",
            model=model,
            inputs=prompt,
            parameters=parameters,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("BinaryResult", result)

    async def from_image(
        self,
        model: str | None = None,
        image: FileInput = None,
        prompt: str | None = None,
        *,
        task: Literal["image-to-video", "image-text-to-video"] = "image-to-video",
        negative_prompt: str | None = None,
        num_frames: int | None = None,
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
        """Animate an image, optionally following a prompt: image-to-video / image-text-to-video.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            image: The first frame (see the class docstring).
            prompt: Text describing the motion or scene.
            task: ``image-to-video`` (default) or ``image-text-to-video``, as the model's
                pipeline tag says (it picks the provider mapping; the body is the same).
            negative_prompt: What the video should not show.
            num_frames: How many frames to generate.
            num_inference_steps: Denoising steps.
            guidance_scale: How strongly the video follows the prompt.
            seed: Random seed, for reproducible videos.
            target_size: ``{"width": w, "height": h}`` of the frames, where supported.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            The video (usually ``video/mp4``).

        Raises:
            ValidationError: Unreadable or too large image, a wrong option type (nothing
                sent), or the server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> clip = await client.video.from_image(  # doctest: +SKIP
            ...     model="Wan-AI/Wan2.1-I2V-14B-720P", image="cat.png",
            ...     prompt="the cat turns its head", provider="fal-ai",
            ... )
        """
        image = need(image, "image")
        parameters = {
            "prompt": prompt,
            "negative_prompt": negative_prompt,
            "num_frames": num_frames,
            "num_inference_steps": num_inference_steps,
            "guidance_scale": guidance_scale,
            "seed": seed,
            "target_size": dict(target_size) if target_size is not None else None,
        }
        result = await self._client._task_runner.run(
            task,
            model=model,
            inputs=image,
            parameters=parameters,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("BinaryResult", result)

    async def classify(
        self,
        model: str | None = None,
        video: FileInput = None,
        *,
        frame_sampling_rate: int | None = None,
        function_to_apply: Literal["sigmoid", "softmax", "none"] | None = None,
        num_frames: int | None = None,
        top_k: int | None = None,
        provider: str | None = None,
        endpoint: str | None = None,
        fallback: bool | Sequence[str] | None = None,
        bill_to: str | None = None,
        timeout: float | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> list[VideoClassificationOutputElement]:
        """Classify a video clip: video-classification.

        Args:
            model: See the class docstring (optional: the Hub's default model).
            video: The clip (see the class docstring).
            frame_sampling_rate: Take one frame every this many frames.
            function_to_apply: How logits become scores.
            num_frames: How many sampled frames the model looks at.
            top_k: Return only the k best labels.
            provider, endpoint, fallback, bill_to, timeout, extra_headers, extra_body: See
                the class docstring.

        Returns:
            Labels with scores, best first.

        Raises:
            ValidationError: Unreadable video, a wrong option type (nothing sent), or the
                server refused it.
            HfError: Any other failure, as a subclass.

        Example:
            >>> labels = await client.video.classify(  # doctest: +SKIP
            ...     model="MCG-NJU/videomae-base-finetuned-kinetics", video="clip.mp4"
            ... )
        """
        video = need(video, "video")
        parameters = {
            "frame_sampling_rate": frame_sampling_rate,
            "function_to_apply": function_to_apply,
            "num_frames": num_frames,
            "top_k": top_k,
        }
        result = await self._client._task_runner.run(
            "video-classification",
            model=model,
            inputs=video,
            parameters=parameters,
            provider=provider,
            endpoint=endpoint,
            timeout=timeout,
            extra_headers=extra_headers,
            extra_body=extra_body,
            fallback=fallback,
            bill_to=bill_to,
        )
        return cast("list[VideoClassificationOutputElement]", result)
