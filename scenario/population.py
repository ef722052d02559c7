"""The `population` section: who is on the platform and who follows whom.

Drives the simulator's population builder (role assignment, targeting profiles, the
follower graph and groups). Load tests do not read it; they seed their own server from
`loadtest.seed_users`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, ValidationInfo, field_validator, model_validator

from scenario.fields import (
    ASSUMED,
    Section,
    Share,
    ShareRange,
    check_shares,
    section,
    spec,
)

KWAK = "Kwak, Lee, Park & Moon, 'What is Twitter, a social network or a news media?', WWW 2010"

Gender = Literal["female", "male", "undisclosed"]
AgeBand = Literal["under_18", "18_24", "25_34", "35_44", "45_plus", "undisclosed"]

DEFAULT_INTERESTS = [
    "entertainment", "sports", "tech", "finance", "fashion", "food",
    "travel", "games", "education", "health", "autos", "parenting",
]  # fmt: skip


class ProfileConfig(Section):
    """Targeting profiles drawn for every account; ads and product posts are matched on them.

    Keys of `gender` and `age_bands` are the values of microblog.models.Gender and AgeBand.
    """

    interests: list[str] = spec(
        DEFAULT_INTERESTS,
        "Interest catalogue that profiles, ads and products draw from.",
        min_length=1,
    )
    interests_per_user: float = spec(
        3.0,
        "Mean interests per profile (1 + Poisson), capped at the catalogue size.",
        unit="interests",
        ge=1,
    )
    interest_zipf_exponent: float = spec(
        1.0,
        "Zipf exponent of interest popularity: 0 makes every interest equally common.",
        ge=0,
    )
    regions: Annotated[dict[str, Share], AfterValidator(check_shares)] = spec(
        {"east": 0.35, "south": 0.2, "north": 0.18, "central": 0.15, "west": 0.12},
        "Share of accounts per region.",
        source="assumption: China's macro-regions, roughly by population",
        min_length=1,
    )
    gender: Annotated[dict[Gender, Share], AfterValidator(check_shares)] = spec(
        {"female": 0.45, "male": 0.45, "undisclosed": 0.1},
        "Share of accounts per stated gender.",
        source=ASSUMED,
        min_length=1,
    )
    age_bands: Annotated[dict[AgeBand, Share], AfterValidator(check_shares)] = spec(
        {
            "under_18": 0.05,
            "18_24": 0.3,
            "25_34": 0.35,
            "35_44": 0.18,
            "45_plus": 0.07,
            "undisclosed": 0.05,
        },
        "Share of accounts per age band.",
        source="assumption: skewed young, as microblog audiences are",
        min_length=1,
    )


class GraphConfig(Section):
    """The follower graph: generated (heavy-tailed, with influencers) or read from an edge list.

    An edge list is a text file of `follower followee` integer pairs, one per line; lines
    starting with `#` or `%` are comments. Ids are renumbered densely in order of appearance.
    """

    kind: Literal["synthetic", "edgelist"] = spec(
        "synthetic", "Generate the graph, or read it from `path`."
    )
    path: str | None = spec(
        None,
        "Edge list file for kind `edgelist`; a relative path is read from the scenario "
        "file's directory.",
    )
    undirected: bool = spec(
        False, "Read each edge-list line as a mutual follow (for undirected datasets)."
    )
    follower_exponent: float = spec(
        2.276, "Power-law exponent of ordinary accounts' follower counts.", source=KWAK, gt=1
    )
    mean_followees: float = spec(
        35.0,
        "Mean accounts each user follows (1.47 billion follows / 41.7 million users).",
        unit="accounts",
        source=KWAK,
        gt=0,
    )
    max_followees: int = spec(
        2000,
        "Most accounts one user may follow.",
        source="assumption: a Weibo-style follow limit",
        unit="accounts",
        ge=1,
    )
    reciprocity: Share = spec(
        0.221, "Share of follows that are returned; mutual follows are friends.", source=KWAK
    )
    big_v_follower_share: ShareRange = spec(
        (0.05, 0.3),
        "Each big V is followed by this share of all users, drawn uniformly in [low, high].",
        unit="share of users",
    )
    medium_v_follower_share: ShareRange = spec(
        (0.005, 0.02),
        "Each medium V is followed by this share of all users, drawn uniformly in [low, high].",
        unit="share of users",
    )

    @field_validator("path")
    @classmethod
    def _resolve_path(cls, path: str | None, info: ValidationInfo) -> str | None:
        """Relative edge lists live beside the scenario file; a missing one is a load error."""
        if path is None:
            return None
        base_dir = (info.context or {}).get("base_dir")
        resolved = Path(base_dir) / path if base_dir is not None else Path(path)
        if not resolved.is_file():
            raise ValueError(f"no such edge list file: {resolved}")
        return str(resolved)

    @model_validator(mode="after")
    def _edgelist_needs_path(self) -> GraphConfig:
        if self.kind == "edgelist" and self.path is None:
            raise ValueError("kind 'edgelist' needs a `path` to the edge list file")
        return self


class GroupsConfig(Section):
    """Interest groups: members post into them and read them like a timeline."""

    count: int = spec(200, "Groups created at start.", unit="groups", ge=0)
    mean_size: float = spec(50.0, "Mean members per group.", unit="members", gt=0)


class PopulationConfig(Section):
    """Accounts and their roles. Role shares are of `users`; the rest are ordinary users."""

    users: int = spec(20_000, "Accounts in the simulated population.", unit="accounts", ge=1)
    represents: int | None = spec(
        None, "Accounts the simulated population stands for: revenue per account and day "
        "times this, times 365, is `revenue.annualised`, and a partner's contract is booked "
        "in the share `users / represents` (economy.commerce.partner). Empty: the simulated "
        "size itself.",
        unit="accounts", ge=1,
    )  # fmt: skip
    big_v_share: Share = spec(
        0.0005,
        "Share of accounts that are big V influencers (verified, huge followings).",
    )
    medium_v_share: Share = spec(
        0.005,
        "Share of accounts that are medium V influencers.",
    )
    merchant_share: Share = spec(
        0.01, "Share of accounts that are merchants with a shop; a positive share gives at "
        "least one merchant, so a sample smaller than 1 / share still has a shop to buy from.",
    )  # fmt: skip
    advertiser_share: Share = spec(
        0.002, "Share of accounts that run ad campaigns (at least one when positive)."
    )
    mobile_share: Share = spec(
        0.75,
        "Share of users on the mobile app (the rest use the web).",
        source="Weibo public reporting: ~70-80 % of MAUs on mobile around its 2014 IPO "
        "(F-1, 2014); over 90 % from 2017",
    )
    profile: ProfileConfig = section(ProfileConfig, "Targeting profiles.")
    graph: GraphConfig = section(GraphConfig, "The follower graph.")
    groups: GroupsConfig = section(GroupsConfig, "Interest groups.")

    @property
    def represented(self) -> int:
        """Accounts the population stands for (`represents`, else the simulated size)."""
        return self.users if self.represents is None else self.represents

    @model_validator(mode="after")
    def _roles_fit(self) -> PopulationConfig:
        roles = self.big_v_share + self.medium_v_share + self.merchant_share
        if roles + self.advertiser_share > 1:
            raise ValueError("big_v, medium_v, merchant and advertiser shares add up to over 1")
        return self

    @model_validator(mode="after")
    def _influencers_fit_followees(self) -> PopulationConfig:
        """Influencer follows grow with users squared; they must fit in `mean_followees`."""
        graph = self.graph
        needed = self.users * (
            self.big_v_share * sum(graph.big_v_follower_share) / 2
            + self.medium_v_share * sum(graph.medium_v_follower_share) / 2
        )
        if graph.kind == "synthetic" and needed > graph.mean_followees:
            raise ValueError(
                f"big and medium V followings need {needed:.0f} follows per user, more than "
                f"graph.mean_followees ({graph.mean_followees:g}); lower big_v_share, "
                "medium_v_share or their follower shares for this many users"
            )
        return self
