"""The errors that engine commands raise; each carries a message a user can act on."""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base class: the command was refused and nothing changed."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(EngineError):
    code = "not_found"


class NotAllowed(EngineError):
    """The actor lacks the role or the right for this command."""

    code = "forbidden"


class Conflict(EngineError):
    """The state changed under the caller (already completed, claimed, concurrent update)."""

    code = "conflict"


class InvalidInput(EngineError):
    """The input does not fit; ``problems`` maps field names to reasons where known."""

    code = "invalid"

    def __init__(self, message: str, problems: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or {}


class DeploymentRejected(EngineError):
    """One or more files failed validation; ``problems`` holds one line per problem."""

    code = "rejected"

    def __init__(self, problems: list[str], found: list[Any] | None = None) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems
        # The same problems located (engine.diagrams.Problem), when the checks knew where.
        self.found = found if found is not None else getattr(problems, "found", [])
