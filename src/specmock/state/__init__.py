"""The stateful sandbox: resources inferred from paths and methods, seeded deterministically."""

from specmock.state.inferred.roles import ResourceKind, Role
from specmock.state.store.outcome import NO_CONTENT, Outcome
from specmock.state.store.sandbox import Sandbox

__all__ = ["NO_CONTENT", "Outcome", "ResourceKind", "Role", "Sandbox"]
