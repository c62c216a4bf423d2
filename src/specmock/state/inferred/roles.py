"""What a stateful operation does to its resource (``Role``) and what kind of resource it is."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a stateful operation does to its resource (inferred, or declared by ``x-specmock-role``)."""

    LIST = "list"
    CREATE = "create"
    READ = "read"
    REPLACE = "replace"
    UPDATE = "update"
    DELETE = "delete"
    ACTION = "action"
    SINGLETON_READ = "singleton-read"
    SINGLETON_WRITE = "singleton-write"


class ResourceKind(StrEnum):
    COLLECTION = "collection"  # items by id
    SINGLETON = "singleton"  # one record


# The members as plain module constants for the code every request runs: on Python 3.11 ``Role.CREATE``
# is an unspecialised class attribute lookup (EnumType defines ``__getattr__``), ~60 ns each.
LIST, CREATE, READ, REPLACE, UPDATE, DELETE, ACTION = (
    Role.LIST,
    Role.CREATE,
    Role.READ,
    Role.REPLACE,
    Role.UPDATE,
    Role.DELETE,
    Role.ACTION,
)
SINGLETON_READ, SINGLETON = Role.SINGLETON_READ, ResourceKind.SINGLETON
ROLES = tuple(Role)
ITEM_ROLES = frozenset({Role.READ, Role.REPLACE, Role.UPDATE, Role.DELETE})
COLLECTION_ROLES = frozenset({Role.LIST, Role.CREATE})
SINGLETON_ROLES = frozenset({Role.SINGLETON_READ, Role.SINGLETON_WRITE})
