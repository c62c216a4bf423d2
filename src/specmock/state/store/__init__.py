"""The store that runs: records kept behind the ``Storage`` protocol (``storage``; in memory by
default), seeded lazily (``seeding``), read and written by CRUD, actions and listing, and answered as
``Outcome`` values through the ``Sandbox``, one per served document.
"""
