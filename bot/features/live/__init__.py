"""Live reply (issue 13): a caseworker writes in the citizen's chat.

While a caseworker has a handed-over case open during office hours and the citizen is
still on the chat page, the caseworker may take over the conversation: the assistant is
paused (Rasa's ``pause`` event), the citizen's page shows the caseworker's messages
marked as from a person, the citizen's messages go to the caseworker, and "Giv tilbage
til robotten" resumes the assistant (``resume``). Plain Python: the web apps call it.
"""
