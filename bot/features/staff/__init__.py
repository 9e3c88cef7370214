"""Staff accounts for the portal: users, roles, passwords, sessions, lock-out.

- ``tables``: ``staff_user``, ``staff_session``, ``staff_login_attempt``; the roles;
- ``passwords``: argon2id hashing and the password rules;
- ``accounts``: add, list, disable, reset the password (audited);
- ``sessions``: login (rate limit, lock-out, renewed session id), resolve, logout;
- ``calendar``: the bookings as staff see them, cancel and move (audited);
- ``mailstatus``: the outbox as staff see it (queued, sent, failing).

Plain Python: the portal (``bot.web.portal``) and the CLI (``bot.app.staff_cli``)
call these functions inside their unit of work.
"""
