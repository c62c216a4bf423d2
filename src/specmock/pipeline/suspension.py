"""``Suspended``: a store write that is answered later, and the rest of the request's answer from it.

A store whose writes wait for something else (a shared store's write log, ``sharing.deferral``)
raises it from ``Sandbox.handle`` instead of returning the outcome. The pipeline, on its way out,
fills ``resume``: what it would have done with the outcome, as a function of it, so the request is
finished from there once the write is applied instead of running the whole pipeline again. It stays
None where the answer does not follow from the outcome alone (a safe request's answer is looked up
in the response cache again); then the caller runs the pipeline again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from specmock.messages.responses import MockResponse


class Suspended(BaseException):
    """Not an ``Exception``: the pipeline's own ``except Exception``, which answers 500 for a bug,
    must let it through."""

    resume: Callable[[Any], MockResponse] | None = None
