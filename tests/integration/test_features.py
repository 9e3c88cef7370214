"""Each feature through the running stack: the chat API, Rasa, the action
server, the app database and the outbox worker together."""

from __future__ import annotations

import email
import time
import uuid
from email import policy

import httpx
import pytest

from tests.integration.conftest import Stack

pytestmark = pytest.mark.stack


def new_sender() -> str:
    return uuid.uuid4().hex


def chat(stack: Stack, sender: str, message: str) -> list[dict]:
    resp = httpx.post(
        f"{stack.web}/api/chat", json={"sender": sender, "message": message}, timeout=60
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["messages"]


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_what_does_a_term_mean(stack: Stack) -> None:
    answer = texts(chat(stack, new_sender(), "hvad betyder partshøringen?"))
    assert "Partshøring" in answer or "partshøring" in answer
    assert "rigtig eller forkert" in answer  # we never judge the decision


def test_a_pasted_letter_is_explained(stack: Stack) -> None:
    letter = (
        "Afgørelse om merudgifter\n\nAalborg Kommune har den 2. november 2026 truffet "
        "afgørelse efter servicelovens § 41. Vi har foretaget en konkret og individuel "
        "vurdering og giver dig afslag. Der er foretaget partshøring.\n\nKlagevejledning\n"
        "Du kan klage over afgørelsen inden 4 uger efter, at du har modtaget den. Klagen "
        "sendes til Aalborg Kommune, som genvurderer sagen. Fastholder vi afgørelsen, sender "
        "vi klagen videre til Ankestyrelsen.\n\nMed venlig hilsen\nMyndighedsafdelingen"
    )
    messages = chat(stack, new_sender(), letter)
    answer = texts(messages)
    assert "partshøring" in answer.lower()
    assert "4 uger" in answer
    assert "Ankestyrelsen" in answer
    assert "/book_meeting" in payloads(messages)


def test_fuldmagt_by_email_is_written_to_the_outbox_by_the_worker(stack: Stack) -> None:
    sender = new_sender()
    first = texts(chat(stack, sender, "jeg vil gerne have tilsendt en fuldmagt"))
    assert "fuldmagt" in first.lower() and "99 31 16 18" in first
    assert "e-mailadresse" in texts(chat(stack, sender, "ikke en adresse"))  # asked again
    confirm = chat(stack, sender, "min mail er karen.test@eksempel.dk")
    assert "karen.test@eksempel.dk" in texts(confirm)
    assert "/affirm" in payloads(confirm)
    done = texts(chat(stack, sender, "/affirm"))
    assert "på vej" in done

    outbox = stack.settings.var_dir / "outbox"
    deadline = time.monotonic() + 60
    files = []
    while time.monotonic() < deadline and not files:
        files = [f for f in outbox.glob("*.eml")] if outbox.exists() else []
        time.sleep(1)
    assert len(files) == 1, "the worker did not write the e-mail"
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"] == "karen.test@eksempel.dk"
    attachments = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(attachments) == 1
    # Asking again in the same conversation does not send a second mail.
    chat(stack, sender, "kan jeg få fuldmagten igen")
    chat(stack, sender, "karen.test@eksempel.dk")
    chat(stack, sender, "/affirm")
    time.sleep(5)
    assert len(list(outbox.glob("*.eml"))) == 1
    assert "karen.test" not in stack.logs()


def test_booking_a_meeting_and_cancelling_it(stack: Stack) -> None:
    sender = new_sender()
    chat(stack, sender, "jeg vil gerne booke et møde med borgerrådgiveren")
    chat(stack, sender, "Det handler om min sag om hjælpemidler")
    offer = chat(stack, sender, "et telefonmøde")
    slot_buttons = [p for p in payloads(offer) if "slot_start" in p]
    assert len(slot_buttons) >= 3, texts(offer)
    chat(stack, sender, slot_buttons[0])
    chat(stack, sender, "Mette Testesen")
    summary = chat(stack, sender, "22 33 44 55")
    assert "Mette Testesen" in texts(summary)
    booked = texts(chat(stack, sender, "/affirm"))
    references = [
        w.strip(".,:")
        for w in booked.split()
        if len(w.strip(".,:")) == 6 and w.strip(".,:").isupper()
    ]
    assert references, booked

    other = new_sender()
    chat(stack, other, "jeg vil aflyse mit møde")
    chat(stack, other, references[0])
    chat(stack, other, "22334455")
    cancelled = texts(chat(stack, other, "/affirm"))
    assert "aflyst" in cancelled.lower(), cancelled
