"""The office's training pages at /personale/traening (issue 14).

- ``models``: models and their figures, retrain, activate, roll back, a job's progress
  (traener, admin; activating and overriding the gate: ``activation_role``, admin);
- ``inbox``: the training inbox, the trainer's choice, conversation → test story
  (traener, admin);
- ``edit``: response texts with a preview, content files, stories and rules, the history
  of changes and revert (traener, admin);
- ``overview``: conversations, routes, rates, satisfaction, misunderstood messages, CSV
  (raadgiver, traener, admin).

The web app includes ``router``; the services come from ``bot.web.training.context``.
"""

from fastapi import APIRouter

from bot.web.portal.training import edit, inbox, models, overview
from bot.web.portal.training.deps import PREFIX

router = APIRouter(include_in_schema=False)
for _module in (models, inbox, edit, overview):
    router.include_router(_module.router, prefix=PREFIX)

T = frozenset({"traener", "admin"})
A = frozenset({"admin"})
RTA = frozenset({"raadgiver", "traener", "admin"})

# Every training route and the roles that may use it (with the default activation_role).
ROLES = {
    ("GET", PREFIX): T,
    ("POST", f"{PREFIX}/retrain"): T,
    ("POST", f"{PREFIX}/modeller/{{model}}/aktiver"): A,
    ("POST", f"{PREFIX}/rul-tilbage"): A,
    ("GET", f"{PREFIX}/job/{{job_id}}"): T,
    ("GET", f"{PREFIX}/indbakke"): T,
    ("POST", f"{PREFIX}/indbakke/afgoer"): T,
    ("POST", f"{PREFIX}/indbakke/testhistorie"): T,
    ("GET", f"{PREFIX}/tekster"): T,
    ("GET", f"{PREFIX}/tekster/{{name}}"): T,
    ("POST", f"{PREFIX}/tekster/{{name}}"): T,
    ("GET", f"{PREFIX}/indhold"): T,
    ("GET", f"{PREFIX}/indhold/{{file}}"): T,
    ("POST", f"{PREFIX}/indhold/{{file}}"): T,
    ("GET", f"{PREFIX}/historier"): T,
    ("GET", f"{PREFIX}/historier/{{kind}}/{{file}}"): T,
    ("POST", f"{PREFIX}/historier/{{kind}}/{{file}}"): T,
    ("GET", f"{PREFIX}/aendringer"): T,
    ("POST", f"{PREFIX}/aendringer/{{sha}}/fortryd"): T,
    ("GET", f"{PREFIX}/overblik"): RTA,
    ("GET", f"{PREFIX}/overblik.csv"): RTA,
}

__all__ = ["ROLES", "router"]
