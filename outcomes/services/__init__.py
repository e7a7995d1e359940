"""Writes for attendance, exclusions and alerts, one module per area: feeds (receiving and
importing Welfare Call files, resolving held rows), suspensions, alerts."""
