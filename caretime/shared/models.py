"""The arrivals the limits count: rows in the database, so no other traffic can evict them."""

from __future__ import annotations

from django.db import models


class ConnectionArrival(models.Model):
    """A report sent from a connection, for the per-connection limits: a keyed hash (of the
    connection, or of the connection and a clinic) and the time. Not linked to the report;
    rows are deleted once older than the longest window (a day) as new reports arrive."""

    key = models.CharField(max_length=32)
    arrived_at = models.DateTimeField()

    class Meta:
        # The table the reports app created (reports 0004); the model moved, the table stayed.
        db_table = "reports_connectionarrival"
        indexes = [
            models.Index(fields=["key", "arrived_at"], name="connarrival_key_time"),
            models.Index(fields=["arrived_at"], name="connarrival_time"),
        ]

    def __str__(self) -> str:
        return f"A report from a connection at {self.arrived_at:%Y-%m-%d %H:%M}"
