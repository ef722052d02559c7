"""Push notification rules: the simulated push provider's latency and failure rate."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PushConfig(BaseModel):
    """The provider (APNs, FCM, a vendor's channel) is outside the platform and simulated:
    each send takes an exponential latency and fails with a fixed probability."""

    provider_latency_ms: float = Field(
        500.0,
        ge=0,
        description="Mean time from the platform handing a push to the provider until the "
        "device has it, ms (exponential; assumption: providers deliver most within a second).",
    )
    provider_failure_rate: float = Field(
        0.02,
        ge=0,
        le=1,
        description="Share of sends the provider fails (device offline too long, token "
        "expired); a failed push is kept as failed, never retried (assumption).",
    )
    seed: int = Field(
        0,
        description="Seed of the server's provider draws (the scenario's `seed`); the "
        "simulator's provider draws from each replication's and shard's own stream instead, "
        "as its payment gateway does, so replications are independent samples.",
    )
    max_outbox_page: int = Field(
        50, ge=1, description="Most pushes `GET /me/push` returns per page (assumption)."
    )
