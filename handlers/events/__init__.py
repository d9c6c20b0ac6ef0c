"""Offline events: the organiser's commands, the client's list and buttons (`router.py`), and the form the
organiser sends back (`answers.py`, tried after every feature's commands)."""
