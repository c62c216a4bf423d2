"""The stateful sandbox: resources inferred from paths and methods, seeded deterministically."""

from specmock.state.outcome import NO_CONTENT, Outcome
from specmock.state.sandbox import Sandbox

__all__ = ["NO_CONTENT", "Outcome", "Sandbox"]
