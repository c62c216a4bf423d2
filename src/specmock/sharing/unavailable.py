"""The shared store cannot be reached while serving: the request is answered 503."""


class StoreUnavailable(Exception):
    """Redis did not answer (connection refused, lost, timed out); the next request tries again."""
