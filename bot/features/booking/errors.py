"""What can go wrong in booking (messages are English, for logs; never personal data).

``SlotTaken`` (with the free times instead) is in ``slots``.
"""

from __future__ import annotations


class BookingError(Exception):
    """Base class of booking errors."""


class NotConfigured(BookingError):
    """No booking configuration in the database: run ``seed_from_file``."""


class BookingNotFound(BookingError):
    """No booking with that reference and contact."""


class BookingNotChangeable(BookingError):
    """The booking is cancelled or its time has passed."""


class BookingFileError(BookingError):
    """content/booking.yml is invalid; the message says where (Danish field names)."""
