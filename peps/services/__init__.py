"""Writes for PEPs and Pupil Premium Plus, one module per area: scheduling, workflow (sections,
targets, submit, return, approve, versions), ppplus (grant years, requests, ledger)."""
