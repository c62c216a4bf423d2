"""What the document says about its resources, decided once when a sandbox is made: names and ids
from paths (``naming``, ``identity``), list shapes and paging (``shapes``, ``paging``, ``querying``),
the ``x-specmock-*`` extensions, and the plan that ties them together (``infer``, ``planning``:
one ``Resource`` per group of operations, one ``Route`` per operation).

Nothing here imports ``state.store``: inference never depends on the records that run.
"""
