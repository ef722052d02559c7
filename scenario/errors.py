"""What goes wrong with a scenario file, said so that a person can fix it without guessing."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One mistake: where it is (dotted path and, when known, line) and what is wrong."""

    path: str
    message: str
    line: int | None = None

    def render(self, source: str) -> str:
        """`file:line: path: message`, leaving out whatever is unknown."""
        where = f"{source}:{self.line}" if self.line is not None else source
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario that cannot be used; lists every problem found, not just the first."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problem.render(source) for problem in problems))

    def as_dict(self) -> dict[str, object]:
        """For `--json`: the file and its problems as plain data."""
        return {"file": self.source, "problems": [asdict(problem) for problem in self.problems]}
