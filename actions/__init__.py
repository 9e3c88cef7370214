"""Rasa custom actions, run by the rasa-sdk action server (thin wrappers around bot/)."""
