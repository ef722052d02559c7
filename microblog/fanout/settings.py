"""The Redis fan-out queue's settings: how long workers wait, when they take over, what they keep.

One model, read by the server (which only adds jobs) and by every fan-out worker; set them
as FANOUT_FANOUT_QUEUE__<FIELD> in the environment, e.g. FANOUT_FANOUT_QUEUE__CLAIM_IDLE_S=5.
The defaults are assumptions sized for this project's loads, not measured optima.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class FanoutQueueSettings(BaseModel):
    block_s: float = Field(
        1.0,
        gt=0,
        description="Longest a worker's read waits for a new job before it looks for stalled "
        "ones and checks whether it should stop: bounds an idle worker's shutdown time.",
    )
    claim_idle_s: float = Field(
        15.0,
        gt=0,
        description="A job taken this long ago and not touched since is presumed abandoned (its "
        "worker died) and another worker claims it (XAUTOCLAIM). Assumption: far above one "
        "chunk's delivery time, since a live worker touches its job between chunks.",
    )
    claim_every_s: float = Field(
        5.0, gt=0, description="How often each worker looks for abandoned jobs to claim."
    )
    touch_every_s: float = Field(
        5.0,
        gt=0,
        description="How often a worker busy with a long post (a big V's) marks it as still "
        "in hand between chunks, so nobody claims it; must be below claim_idle_s.",
    )
    max_attempts: int = Field(
        5,
        ge=1,
        description="Times a job may be handed to a worker; a job claimed after that many "
        "(it failed or killed its worker each time) goes to the dead-letter stream.",
    )
    max_backlog: int = Field(
        1_000_000,
        ge=1000,
        description="Approximate cap on the stream (XADD MAXLEN ~): with no worker running, "
        "the oldest unread jobs are dropped beyond it (their posts reach timelines on rebuild). "
        "Workers trim acknowledged jobs long before (trim_every_s).",
    )
    trim_every_s: float = Field(
        10.0, gt=0, description="How often each worker trims acknowledged jobs off the stream."
    )
    lag_window: int = Field(
        100_000, ge=1, description="Recent posts whose lag is kept in Redis for the percentiles."
    )
    dead_letters_kept: int = Field(
        10_000, ge=1, description="Approximate cap on the dead-letter stream (oldest dropped)."
    )
    retry_s: float = Field(
        1.0, gt=0, description="Wait before a worker retries after Redis or the store failed."
    )

    @model_validator(mode="after")
    def _touch_before_claim(self) -> FanoutQueueSettings:
        if self.touch_every_s >= self.claim_idle_s:
            raise ValueError(
                f"touch_every_s ({self.touch_every_s}) must be below claim_idle_s "
                f"({self.claim_idle_s}), or busy workers lose their jobs to others"
            )
        return self
