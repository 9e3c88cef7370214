"""Booking of personal meetings (issue 6). Placeholder until implemented."""
