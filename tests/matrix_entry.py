"""One entry of the access matrix (tests/test_access_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Entry:
    # Anonymous visitors may use it (sign-in, language switch, health check).
    public: bool = False
    # Keyword arguments naming a record of settlement A (built from the personas).
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    method: str = "get"
    # The persona who may use it, and what they get.
    insider: str = "mona"
    insider_status: int = 200
    # Personas who must get 404 besides Bob (e.g. a clerk on a manager's page).
    also_hidden_from: tuple[str, ...] = ()
    # A REST endpoint: anonymous callers get 401/403 (not a redirect); bodies are JSON.
    api: bool = False
