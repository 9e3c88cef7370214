"""Booking of personal meetings with the borgerrådgiver: plain Python, no Rasa.

The modules, one concern each (``from bot.features.booking import ...`` gives the
names the rest of the code uses):

- ``tables``: the tables, status and meeting-type constants, stored times;
- ``errors``: what can go wrong (``SlotTaken``, with the free times instead, is in ``slots``);
- ``office``: content/booking.yml (hours, advisors, closed days, texts), validated;
- ``sync``: the file into the database (``seed_from_file``, ``add_closed_day``);
- ``slots``: opening hours and holidays as free times, the search, the offers;
- ``contact``: the citizen's phone/e-mail, name, topic; booking references;
- ``commands``: book, find, cancel, move, purge (the caller's unit of work commits);
- ``mails``, ``ics``: the e-mails about a booking and their calendar file;
- ``wording``: what the citizen's words say (meeting type, reference, cancel/move);
- ``dialogue``: the conversation's decisions and replies, for the Rasa actions.
"""

from bot.features.booking.commands import (
    BookingRequest,
    book,
    cancel,
    count_active,
    find_booking,
    is_changeable,
    move,
    policy_terms,
    purge_expired,
)
from bot.features.booking.contact import (
    REFERENCE_ALPHABET,
    REFERENCE_LENGTH,
    ContactInfo,
    clean_name,
    parse_contact,
    reachable_contact,
    request_key,
    topic_answer,
)
from bot.features.booking.dialogue import (
    MAX_CHANGE_ATTEMPTS,
    OfferPlan,
    Reply,
    any_meeting_type,
    booked_replies,
    booking_request,
    cancelled_replies,
    change_summary,
    choose_time,
    confirmation,
    contact_answer,
    failure_reply,
    kept_day,
    meeting_type_and_wish,
    moved_replies,
    names_a_time,
    offer_times,
    slot_button,
)
from bot.features.booking.errors import (
    BookingError,
    BookingFileError,
    BookingNotChangeable,
    BookingNotFound,
)
from bot.features.booking.guard import BookingLimit, BookingPolicy
from bot.features.booking.mails import Confirmed, confirm_address, mail_domain_of
from bot.features.booking.offers import offered_keys, pick_offered
from bot.features.booking.office import OfficeTexts, cached_texts, load_booking_file, load_texts
from bot.features.booking.slots import (
    Slot,
    SlotTaken,
    find_offers,
    find_slot,
    iter_free_slots,
    load_calendar,
    parse_slot_key,
)
from bot.features.booking.sync import SyncReport, add_closed_day, ensure_seeded, seed_from_file
from bot.features.booking.tables import (
    ACTIVE,
    BLOCK_MINUTES,
    CANCELLED,
    IN_PERSON,
    PHONE,
    Advisor,
    BookedBlock,
    Booking,
    BookingInfo,
    OfficeHours,
    blocks,
)
from bot.features.booking.wording import (
    CANCEL,
    MOVE,
    asks_for_meeting,
    change_kind,
    change_kind_from_text,
    correction,
    earlier_topic,
    find_reference,
    meeting_type_answer,
    move_wish_text,
    read_opening,
    reference_answer,
    refers_to_earlier,
    switched_kind,
    wants_new_booking,
)

__all__ = [
    "change_kind_from_text",
    "any_meeting_type",
    "move_wish_text",
    "wants_new_booking",
    "earlier_topic",
    "refers_to_earlier",
    "meeting_type_and_wish",
    "BookingLimit", "BookingPolicy", "confirm_address", "Confirmed", "failure_reply",
    "policy_terms",
    "offered_keys",
    "pick_offered",
    "ACTIVE", "add_closed_day", "asks_for_meeting", "Advisor", "BLOCK_MINUTES", "blocks",
    "book", "booked_replies",
    "BookedBlock", "Booking", "booking_request", "BookingError", "BookingFileError",
    "BookingInfo", "BookingNotChangeable", "BookingNotFound", "BookingRequest", "cached_texts",
    "CANCEL", "cancel", "CANCELLED", "cancelled_replies", "change_kind", "change_summary",
    "choose_time", "clean_name", "confirmation", "contact_answer", "correction", "ContactInfo",
    "count_active",
    "ensure_seeded", "find_booking", "find_offers", "find_reference", "find_slot", "IN_PERSON",
    "is_changeable", "iter_free_slots", "kept_day", "load_booking_file", "load_calendar",
    "load_texts", "mail_domain_of", "MAX_CHANGE_ATTEMPTS", "meeting_type_answer", "MOVE", "move",
    "moved_replies", "names_a_time", "offer_times", "OfferPlan", "OfficeHours", "OfficeTexts",
    "parse_contact", "parse_slot_key", "PHONE", "purge_expired", "reachable_contact",
    "read_opening", "REFERENCE_ALPHABET", "reference_answer", "REFERENCE_LENGTH", "Reply",
    "request_key", "seed_from_file", "Slot", "slot_button", "SlotTaken", "switched_kind",
    "SyncReport", "topic_answer",
]  # fmt: skip
