"""Admin for PEPs and Pupil Premium Plus."""

from peps import admin_ppplus  # noqa: F401  (registers GrantYear, PpRequest, LedgerEntry read-only)
