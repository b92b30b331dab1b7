"""Endpoint lookups shared through cache_url (a real redis-server), both twins."""

from __future__ import annotations

import pytest

from hf_inference_endpoints import EndpointPaused

from .test_endpoints_routing import MESSAGES, PAUSED, Server, chat, get, make_client


@pytest.mark.anyio
async def test_a_lookup_serves_other_clients_until_a_failure_drops_it(
    no_env: None, redis_url: str
) -> None:
    first = Server(get("running"), chat())
    async with make_client(first, cache_url=redis_url) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    first.done()
    second = Server(chat())  # no lookup: another process' answer is reused
    async with make_client(second, cache_url=redis_url) as client:
        await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    second.done()
    third = Server(chat(status=400, body=PAUSED))
    async with make_client(third, cache_url=redis_url, max_retries=0) as client:
        with pytest.raises(EndpointPaused):
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    third.done()
    fourth = Server(get("paused"))  # the stale entry was dropped for everyone: looked up
    async with make_client(fourth, cache_url=redis_url) as client:
        with pytest.raises(EndpointPaused):
            await client.chat.complete(endpoint="my-ep", messages=MESSAGES)
    fourth.done()
