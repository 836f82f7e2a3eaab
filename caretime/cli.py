"""The ``caretime`` console command: ``caretime migrate`` is ``python manage.py migrate``.

An installed wheel has no manage.py beside it; this is the same entry point under the
project's name.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caretime.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
