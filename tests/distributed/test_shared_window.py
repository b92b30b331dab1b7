"""The shared request window on a real redis-server: no window ever holds more than the limit.

Redis' own clock times the reservations (``TIME`` in the script), so no fake clock can stand
in: the arrivals are random short real gaps against a window of a fraction of a second, and
every reserved send time is read back from the schedule right after its reservation.
"""

from __future__ import annotations

import bisect
import random
import time

import pytest

from hf_inference_endpoints._shared_limits import SharedRateLimiter
from hf_inference_endpoints._storage.redis import RedisStorage

SCHEDULE = "return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')"


@pytest.mark.parametrize("seed", range(3))
def test_no_shared_window_ever_holds_more_than_the_limit(redis_url: str, seed: int) -> None:
    rng = random.Random(seed)
    limit, window = rng.randint(1, 4), 0.25
    storage = RedisStorage(redis_url, namespace=f"w{seed}")
    limiter = SharedRateLimiter(storage, {"p": limit}, window=window, margin=0.0)
    sends: dict[str, float] = {}
    try:
        for _ in range(40):
            time.sleep(rng.choice([0.0, 0.0, rng.uniform(0.0, window / limit)]))
            ticket = limiter.new_ticket()
            wait = limiter.reserve("p", 0.0, ticket=ticket)
            assert wait >= 0.0
            scores = storage.run_script(SCHEDULE, ["rl:p:schedule"], [])
            schedule = {m.decode() if isinstance(m, bytes) else m: float(s) for m, s in
                        zip(scores[::2], scores[1::2], strict=True)}  # fmt: skip
            sends[ticket] = schedule[ticket]  # this reservation's send time, Redis' clock
    finally:
        storage.close()
    times = sorted(sends.values())
    assert len(times) == 40
    fullest = max(bisect.bisect_left(times, t + window) - i for i, t in enumerate(times))
    assert fullest <= limit
    assert fullest == limit  # arrivals faster than the limit fill some window
