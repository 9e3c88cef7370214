"""Hand-over in the chat: a conversation passed on to Borgerrådgivningen's staff.

- ``content``: content/handover.yml (response time, consent text and its version);
- ``consent``: what the citizen agreed to (version, time, scope);
- ``contact``: how and when the citizen wants to be contacted (optional);
- ``conversation``: the tracker's events as plain lines; the masked transcript;
- ``summary``: the structured summary for staff (route, statute, dates, deadlines ...);
- ``promise``: "Du hører fra os senest ..." from office hours, weekends and holidays;
- ``service``: the hand-over (opens the case, ``bot.features.cases.intake``) and the
  receipt's replies.
"""
