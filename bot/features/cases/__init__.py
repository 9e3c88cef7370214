"""Cases: conversations a citizen handed over to Borgerrådgivningen's staff.

``tables`` holds the rows; ``intake`` is the chat side (open a case, add to it);
``casework`` is the staff side (queue, notes, assignment, status, report).
"""
