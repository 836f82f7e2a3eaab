"""What every form of the site shares."""

from __future__ import annotations

from django import forms


class ErrorSummaryForm(forms.Form):
    """A form whose errors are also listed once at the top of the page, each linked to its
    field (``verdicts/_form_errors.html``), so that a screen-reader user hears them all."""

    @property
    def error_summary(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) once per message, in form order."""
        seen: set[str] = set()
        summary = []
        for field in self:
            for error in map(str, field.errors):
                if error not in seen:
                    seen.add(error)
                    summary.append((field.id_for_label or field.auto_id, str(field.label), error))
        for error in map(str, self.non_field_errors()):
            if error not in seen:
                seen.add(error)
                summary.append(("", "", error))
        return summary
