"""A start-up check (``manage.py check``, ``migrate``, ``runserver``): the admin's path
(settings.ADMIN_PATH) must not share its first part with the site's own pages, where one
would hide the other."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.urls import URLPattern, URLResolver, get_resolver


@register(Tags.urls)
def admin_path_is_its_own(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    admin_path = str(settings.ADMIN_PATH)
    first = admin_path.split("/", 1)[0]
    taken = {route.split("/", 1)[0] for route in _routes(list(get_resolver().url_patterns))} - {""}
    if first not in taken:
        return []
    return [
        Error(
            f"The environment variable ADMIN_PATH={admin_path!r} starts with {first + '/'!r}, "
            "where the site has pages of its own.",
            hint="Choose a path whose first part the site does not use, such as 'admin/' or 'staff-desk/'.",
            id="accounts.E001",
        )
    ]


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            if pattern.namespace != "admin":  # the site's own pages only
                found.extend(_routes(list(pattern.url_patterns), route))
        else:
            found.append(route)
    return found
