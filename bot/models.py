"""Registry of the modules that declare tables on ``bot.db.Base``.

Add a feature's module here when it gets tables; ``bot.db.create_schema``
imports this module before creating the schema.
"""

from bot import booking, fuldmagt, outbox  # noqa: F401
