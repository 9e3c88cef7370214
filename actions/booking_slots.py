"""The booking forms' slot names (domain.yml's booking section), for both booking actions."""

from __future__ import annotations


class S:  # the forms and slots (domain.yml)
    FORM, CHANGE_FORM, REQUESTED = "booking_form", "booking_change_form", "requested_slot"
    TOPIC, MEETING_TYPE, NAME = "booking_topic", "booking_meeting_type", "booking_name"
    START, WISH, LABEL = "booking_slot_start", "booking_time_wish", "booking_slot_label"
    CONTACT, CONFIRMED = "booking_contact", "booking_confirmed"
    REFERENCE, CHANGE_CONTACT = "booking_reference", "booking_change_contact"
    KIND, ATTEMPTS = "booking_change_kind", "booking_change_attempts"
    # How the change form ended early (BOOK_NEW: a new booking follows) and the meeting
    # this conversation cancelled (a "new time" for it is a new booking, not a move).
    CHANGE_END, CANCELLED = "booking_change_end", "booking_cancelled_reference"


BOOK_NEW, ENDED = "book_new", "ended"  # values of S.CHANGE_END


BOOKING_SLOTS = [S.TOPIC, S.MEETING_TYPE, S.START, S.WISH, S.LABEL, S.NAME, S.CONTACT, S.CONFIRMED]
REQUEST = dict(  # bk.booking_request's arguments and the slots they come from
    slot_key=S.START, contact=S.CONTACT, meeting_type=S.MEETING_TYPE, topic=S.TOPIC, name=S.NAME
)
