"""manage.py makemessages, which also collects the plurals the framework-free core marks with
``caretime.core.text.ngettext_noop`` (as one entry with its plural, as ``ngettext`` does)."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=ngettext_noop:1,2"]
