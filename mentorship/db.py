"""Database connections across a fork.

PostgreSQL connections come from a pool per process (settings: DATABASE_POOL_SIZE). A process
forked from one that holds a pool (a Celery prefork worker, a server started by forking, a test's
live server) inherits the pool and its open connections: the same sockets as the parent's. Were
the child to use them, two processes would talk over one connection and read each other's
answers ("the last operation didn't produce records"); were it to close them, it would end the
parent's sessions on the server. So the child forgets what it inherited, untouched and kept
alive so nothing closes it, and opens a pool of its own on its first query.
"""

from __future__ import annotations

import os

# What a forked child inherited: never used, never closed (closing would end the parent's
# server sessions), kept referenced so the garbage collector does not close it either.
_inherited: list[object] = []


def forget_inherited_connections() -> None:
    """In a freshly forked child: drop the parent's pools and this thread's pooled connections."""
    from django.db import connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    pools = DatabaseWrapper._connection_pools
    if not pools:
        return
    _inherited.extend(pools.values())
    pools.clear()
    for wrapper in connections.all(initialized_only=True):
        if wrapper.vendor == "postgresql" and wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None
            wrapper.closed_in_transaction = False
            wrapper.in_atomic_block = False
            wrapper.savepoint_ids = []
            wrapper.needs_rollback = False


_registered = False


def install_fork_handler() -> None:
    """Register forget_inherited_connections to run in every child this process forks."""
    global _registered
    if not _registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=forget_inherited_connections)
        _registered = True
