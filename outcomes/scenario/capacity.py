"""The modelled platform's capacity: how many servers of each kind, and what a unit of work costs.

The simulator turns each call's `Work` (microblog.work) into service time with these
numbers: an app server handles every request, the database serves row reads and writes,
the cache tier serves timeline and presence keys and pull merges, and fan-out workers do
the deliveries of fan-out on write in the background. `fanout calibrate` fits the per-unit
costs from a load test of the reference microblog; the defaults are order-of-magnitude
figures for a commodity deployment (indexed row read ~0.2 ms, Redis list op ~0.02-0.05 ms).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CapacityConfig(BaseModel):
    """Servers per station and service time per unit of work, in milliseconds."""

    model_config = ConfigDict(extra="forbid")

    app_servers: int = Field(8, ge=1, description="Application server workers (concurrent requests).")
    db_servers: int = Field(4, ge=1, description="Database connections/cores serving queries in parallel.")
    cache_servers: int = Field(4, ge=1, description="Cache shards or cores (timelines, presence).")
    fanout_workers: int = Field(4, ge=1, description="Background workers delivering fan-out on write.")

    app_request_ms: float = Field(2.0, ge=0, description="Fixed app-server CPU per request (ms): routing, auth, serialisation.")
    app_unit_ms: float = Field(0.01, ge=0, description="App-server CPU per item read, written or merged (ms).")
    push_ms: float = Field(0.05, ge=0, description="App-server time per real-time push to a live connection (ms).")
    db_read_ms: float = Field(0.2, ge=0, description="Database time per row read (ms); an indexed point read.")
    db_write_ms: float = Field(0.5, ge=0, description="Database time per row written (ms), including the commit share.")
    cache_read_ms: float = Field(0.02, ge=0, description="Cache time per timeline entry or key read (ms).")
    cache_write_ms: float = Field(0.05, ge=0, description="Cache time per entry written in the foreground (ms).")
    merge_ms: float = Field(0.01, ge=0, description="Cache time per post merged on read by pull (ms).")
    fanout_delivery_ms: float = Field(0.05, ge=0, description="Fan-out worker time per home-timeline delivery (ms).")
    fanout_batch: int = Field(1000, ge=1, description="Deliveries per fan-out job; a big V's post is split into many jobs.")
    network_ms: float = Field(1.0, ge=0, description="Fixed round-trip network time added to every request (ms), not queued.")
    service_distribution: Literal["exponential", "deterministic"] = Field(
        "exponential",
        description="Spread of each service time around its mean: exponential (M/M/c-like) or fixed.",
    )
