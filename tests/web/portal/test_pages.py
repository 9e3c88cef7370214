"""The portal's pages over real HTTP: what a citizen wrote is shown as text, the
casework forms, the PDF, the meetings, the users, the audit log and the report."""

from __future__ import annotations

import io
import re

from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import select

from bot.features import booking as bk
from bot.features.audit import log as audit
from bot.features.cases.tables import Case, CaseEntry
from bot.features.staff.tables import StaffUser
from bot.infra.db import session_scope
from bot.infra.outbox import OutboxMail
from tests.bot.features.booking.helpers import DATA, confirm_mailbox, policy, request
from tests.casedata import HOSTILE, NOW, PASSWORD
from tests.web.portal.conftest import CASE, SECRET_MARK, csrf_in, log_in


def post(client: TestClient, path: str, page: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_in(client.get(page).text)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def test_html_and_script_from_a_citizen_are_shown_as_text(login_as, cases: str) -> None:  # type: ignore[no-untyped-def]
    client = login_as("raadgiver")
    for page in (client.get(f"/personale/sager/{CASE}"), client.get("/personale/sager")):
        assert page.status_code == 200
        assert "<script>window.__xss" not in page.text and "<img src=x" not in page.text
        assert "<b>fed</b>" not in page.text and "<i>Klage</i>" not in page.text
        assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page.text
        assert "{{ 7*7 }}" in page.text  # not evaluated as a template either
    case_page = client.get(f"/personale/sager/{CASE}").text
    # transcript, summary, entry, and the list of messages to send to training
    assert case_page.count("&lt;img src=x onerror=") == 4
    assert SECRET_MARK in case_page
    assert (
        "script-src 'self'"
        in client.get(f"/personale/sager/{CASE}").headers["content-security-policy"]
    )


def test_a_caseworker_notes_assigns_tags_and_closes_a_case(
    login_as, cases, people, session_factory
) -> None:  # type: ignore[no-untyped-def]
    client = login_as("raadgiver")
    page = f"/personale/sager/{CASE}"
    done = post(client, f"{page}/note", page, tekst=f"Ringede. {HOSTILE} CPR 010190-1234")
    assert done.status_code == 303 and done.headers["location"] == f"{page}?ok=note"
    shown = client.get(done.headers["location"]).text
    assert "Noten er gemt." in shown and "CPR [CPR]" in shown and "010190" not in shown
    assert (
        post(client, f"{page}/tildel", page, ansvarlig=str(people["raadgiver"])).status_code == 303
    )
    assert (
        post(client, f"{page}/maerker", page, maerker="haster, diskrimination").status_code == 303
    )
    assert post(client, f"{page}/status", page, status="i gang").status_code == 303
    refused = post(client, f"{page}/afslut", page, udfald="")
    assert refused.status_code == 400 and "Vælg et udfald" in refused.text
    bad_assignee = post(client, f"{page}/tildel", page, ansvarlig=str(people["traener"]))
    assert bad_assignee.status_code == 400 and "aktiv rådgiver" in bad_assignee.text
    assert post(client, f"{page}/afslut", page, udfald="klage-behandlet").status_code == 303
    assert post(client, f"{page}/bevar", page, bevar="ja").status_code == 303
    shown = client.get(page).text
    assert "afsluttet: Klage behandlet af borgerrådgiveren" in shown
    assert "Ja, slettes ikke automatisk" in shown and "Genåbn sagen" in shown
    with session_scope(session_factory) as s:
        case = s.execute(select(Case).where(Case.number == CASE)).scalar_one()
        assert (case.status, case.outcome, case.legal_hold) == (
            "afsluttet",
            "klage-behandlet",
            True,
        )
        assert (case.assignee_id, case.tags) == (people["raadgiver"], "haster,diskrimination")
        assert (
            len(list(s.execute(select(CaseEntry).where(CaseEntry.kind == "note")).scalars())) == 1
        )
        trail = [x.action for x in audit.entries(s, case=CASE)]
    assert trail.count("sag-vist") >= 5
    assert [a for a in trail if a != "sag-vist"] == [
        "note", "tildelt", "maerker", "status", "afsluttet", "bevares",
    ]  # fmt: skip
    report = client.get("/personale/rapport").text
    assert re.search(
        r"Klage behandlet af borgerrådgiveren</th><td>§ 8, nr. 1</td><td>1</td>", report
    )


def test_the_queue_filters_and_an_unknown_case_is_a_danish_404(login_as, cases: str) -> None:  # type: ignore[no-untyped-def]
    client = login_as("raadgiver")
    everything = client.get("/personale/sager").text
    assert everything.index("BR-2026-0002") < everything.index(CASE)  # overdue first
    assert "Fristen er overskredet" in everything
    assert CASE not in client.get("/personale/sager?maerke=haster").text
    assert "BR-2026-0002" not in client.get(f"/personale/sager?q={SECRET_MARK}").text
    assert CASE in client.get(f"/personale/sager?q={SECRET_MARK}").text
    assert "Ingen sager passer" in client.get("/personale/sager?q=findes-ikke-nogen-steder").text
    missing = client.get("/personale/sager/BR-2026-9999")
    assert missing.status_code == 404 and "Findes ikke" in missing.text


def test_the_pdf_export_is_a_download_and_is_audited(login_as, cases, session_factory) -> None:  # type: ignore[no-untyped-def]
    client = login_as("raadgiver")
    response = client.get(f"/personale/sager/{CASE}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="sag-{CASE}.pdf"'
    assert response.headers["cache-control"] == "no-store"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert SECRET_MARK in text and "<script>window.__xss=1</script>" in text
    with session_scope(session_factory) as s:
        assert audit.entries(s)[-1].action == "sag-eksporteret"


def test_a_meeting_is_moved_and_cancelled_from_the_portal_and_the_citizen_is_mailed(
    login_as, session_factory
) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        bk.seed_from_file(s, DATA, now=NOW)
        confirm_mailbox(s, "ole@example.dk", now=NOW)
        info = bk.book(s, request(NOW.replace(day=3), email="ole@example.dk", name="Ole <b>O</b>"),
                       now=NOW, texts=bk.load_texts(DATA), policy=policy())  # fmt: skip
    client = login_as("raadgiver")
    page = client.get("/personale/moeder").text
    assert info.reference in page and "Ole &lt;b&gt;O&lt;/b&gt;" in page
    assert "content/booking.yml" in page and "borger booking-sync" in page
    assert "Mandag</td><td>09:00-15:00" in page
    taken = post(
        client,
        f"/personale/moeder/{info.id}/flyt",
        "/personale/moeder",
        dato="2026-12-05",
        tid="10:00",
    )  # fmt: skip  (a Saturday)
    assert taken.status_code == 400 and "ikke ledigt" in taken.text and "Ledige tider" in taken.text
    nonsense = post(client, f"/personale/moeder/{info.id}/flyt", "/personale/moeder",
                    dato="i morgen", tid="ti")  # fmt: skip
    assert nonsense.status_code == 400 and "Skriv dato og klokkeslæt" in nonsense.text
    moved = post(client, f"/personale/moeder/{info.id}/flyt", "/personale/moeder",
                 dato="2026-12-04", tid="11:00")  # fmt: skip
    assert moved.headers["location"] == "/personale/moeder?ok=flyttet"
    assert "Borgeren får en e-mail med den nye tid" in client.get(moved.headers["location"]).text
    cancelled = post(client, f"/personale/moeder/{info.id}/aflys", "/personale/moeder")
    assert cancelled.headers["location"] == "/personale/moeder?ok=aflyst"
    assert post(client, "/personale/moeder/abc/aflys", "/personale/moeder").status_code == 400
    with session_scope(session_factory) as s:
        keys = [m.key for m in s.execute(select(OutboxMail).order_by(OutboxMail.id)).scalars()]
        actions = [(x.action, x.target) for x in audit.entries(s) if x.target == info.reference]
    assert keys[-2:] == [
        f"booking:{info.reference}:flyttet:1",
        f"booking:{info.reference}:aflyst:1",
    ]
    assert actions == [("moede-flyttet", info.reference), ("moede-aflyst", info.reference)]


def test_an_administrator_adds_resets_and_disables_users(login_as, app, session_factory) -> None:  # type: ignore[no-untyped-def]
    admin = login_as("admin")
    page = "/personale/brugere"
    mismatch = post(admin, page, page, navn="ny", adgangskode=PASSWORD, gentag=PASSWORD + "x")
    assert mismatch.status_code == 400 and "ikke ens" in mismatch.text
    no_role = post(admin, page, page, navn="ny", adgangskode=PASSWORD, gentag=PASSWORD)
    assert no_role.status_code == 400 and "Rollen skal være" in no_role.text
    token = csrf_in(admin.get(page).text)
    form = {
        "csrf": token,
        "navn": "Nina",
        "roller": ["raadgiver", "traener"],
        "adgangskode": PASSWORD,
        "gentag": PASSWORD,
    }
    added = admin.post(page, data=form, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"].startswith(f"{page}?ok=oprettet")
    nina = TestClient(app, base_url="https://testserver")
    assert log_in(nina, "nina").status_code == 303
    new_password = "nina-faar-en-ny-kode"
    reset = post(
        admin, f"{page}/nina/adgangskode", page, adgangskode=new_password, gentag=new_password
    )
    assert reset.status_code == 303
    assert nina.get("/personale/", follow_redirects=False).status_code == 303  # session ended
    assert log_in(nina, "nina", new_password).status_code == 303
    assert post(admin, f"{page}/nina/deaktiver", page).status_code == 303
    assert nina.get("/personale/", follow_redirects=False).status_code == 303
    self_disable = post(admin, f"{page}/ada/deaktiver", page)
    assert self_disable.status_code == 400 and "din egen bruger" in self_disable.text
    listing = admin.get(page).text
    assert "Rådgiver, Træner" in listing and "Deaktiveret" in listing
    with session_scope(session_factory) as s:
        nina_row = s.execute(select(StaffUser).where(StaffUser.username == "nina")).scalar_one()
        trail = [(x.user, x.action, x.target) for x in audit.entries(s, user="ada")]
    assert not nina_row.active and nina_row.roles == "raadgiver,traener"
    assert [t for t in trail if t[1] != "login"] == [
        ("ada", "bruger-oprettet", "nina"),
        ("ada", "adgangskode-nulstillet", "nina"),
        ("ada", "bruger-deaktiveret", "nina"),
    ]


def test_the_audit_page_shows_each_step_with_user_and_time(login_as, cases: str) -> None:  # type: ignore[no-untyped-def]
    advisor = login_as("raadgiver")
    advisor.get(f"/personale/sager/{CASE}")
    admin = login_as("admin")
    page = admin.get("/personale/log").text
    assert "Sag åbnet" in page and "Logget ind" in page and "01.12.2026 kl. 10.00" in page
    assert f'<a href="/personale/sager/{CASE}">{CASE}</a>' in page
    only_views = admin.get("/personale/log?handling=sag-vist").text
    assert "Logget ind</td>" not in only_views and "Sag åbnet" in only_views
    assert "Sag åbnet</td>" not in admin.get("/personale/log?bruger=ada").text


def test_the_report_and_the_outbox_pages(login_as, session_factory) -> None:  # type: ignore[no-untyped-def]
    client = login_as("admin")
    report = client.get("/personale/rapport?fra=2026-01-01&til=2026-12-31")
    assert report.status_code == 200 and "0 i alt" in report.text and "§ 6" in report.text
    wrong = client.get("/personale/rapport?fra=31-12-2026")
    assert wrong.status_code == 400 and "Skriv datoerne som 2026-01-31" in wrong.text
    backwards = client.get("/personale/rapport?fra=2026-12-31&til=2026-01-01")
    assert backwards.status_code == 400 and "efter startdatoen" in backwards.text
    from bot.infra.outbox import enqueue_mail

    with session_scope(session_factory) as s:
        enqueue_mail(s, key="fuldmagt:x", to="a@example.dk", subject="S", text="T", now=NOW)
    outbox = client.get("/personale/udbakke").text
    assert '<th scope="row">Fuldmagt</th><td>1</td><td>0</td><td>0</td>' in outbox
    assert "a@example.dk" not in outbox
