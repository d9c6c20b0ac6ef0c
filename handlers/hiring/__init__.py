"""Hiring (docs/hiring.md): the managers' /hiring (`router`), a candidate's job link and interview (`applying`),
and the typed answers of both dialogs (`answers`, tried after every feature's commands)."""
