"""The staff portal at /personale/: server-rendered Danish pages for Borgerrådgivningen.

One router per resource, each with its role check:

| router | pages | roles |
|---|---|---|
| ``auth`` | login, logout, start page, stylesheet | login, stylesheet: anyone; start: any user |
| ``cases`` | queue, case, notes, assignment, status, tags, closing, legal hold, PDF, | raadgiver |
| | a citizen's message to the training inbox | |
| ``live`` | write in the citizen's chat from the case page; give it back | raadgiver |
| ``bookings`` | meetings: cancel, move | raadgiver |
| ``outbox`` | the e-mail outbox | raadgiver, admin |
| ``report`` | closed cases per outcome and period (§ 6) | raadgiver, admin |
| ``users`` | add, disable, reset password | admin |
| ``auditlog`` | the audit log | admin |

``deps`` has what routes get injected (database, user, role check, CSRF check);
``views`` renders the templates. The web app includes ``router``; ``configure``
gives it other services (tests).
"""

from fastapi import APIRouter

from bot.web.portal import auditlog, auth, bookings, cases, live, outbox, report, users
from bot.web.portal.deps import PREFIX, configure

# Routes anyone may call without a login (the tests check every other route refuses).
PUBLIC = {
    ("GET", f"{PREFIX}/login"),
    ("POST", f"{PREFIX}/login"),
    ("GET", f"{PREFIX}/portal.css"),
    ("GET", f"{PREFIX}/portal-live.js"),
}

router = APIRouter(prefix=PREFIX, include_in_schema=False)
for _module in (auth, cases, live, bookings, outbox, report, users, auditlog):
    router.include_router(_module.router)

__all__ = ["PUBLIC", "configure", "router"]
