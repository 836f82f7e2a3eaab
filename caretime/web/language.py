"""Which language a page is shown in, and the addresses of its twin in the other language.

English pages live at their plain addresses and Spanish ones under ``/es/``
(``i18n_patterns`` in caretime/urls.py), so an address names its language and can be shared.
At a plain address, a person who has chosen a language with the switch (Django's
``set_language``: a cookie holding only the language code) gets that language; one who has
not chosen gets the first of their browser's languages we have (``Accept-Language``). When
that is Spanish, a page is answered with a redirect to its Spanish twin.

Django's own ``LocaleMiddleware`` cannot do this: with ``prefix_default_language=False`` it
shows every plain address in English whatever the browser asks for. The API and the admin
have no ``/es/`` twins; the API answers in the language of ``Accept-Language`` only, since a
program sends no cookie of ours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix, is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

API_PREFIX = "/api/"
_SAFE_METHODS = frozenset({"GET", "HEAD"})


def from_accept_language(request: HttpRequest) -> str:
    """The first language of the request's ``Accept-Language`` that the site has, else English."""
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _strip_prefix(path: str) -> str:
    """``path`` without its language prefix: the address of the English page."""
    language = translation.get_language_from_path(path)
    return path[len(language) + 1 :] if language else path


def page_in(request: HttpRequest, language: str) -> str:
    """The address of this page in ``language``, with its query: the English one is plain, the
    others carry their code. Worked out from the address alone, so it holds on a 404 page too."""
    path = _strip_prefix(request.path_info)
    if language != settings.LANGUAGE_CODE:
        path = f"/{language}{path}"
    query = request.META.get("QUERY_STRING", "")
    return get_script_prefix().rstrip("/") + path + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Alternate:
    code: str  # the hreflang: "en", "es", or "x-default" (the page for any other language)
    name: str  # the language's name in itself, as the switch shows it
    path: str  # the page's address in the language, with its query
    url: str  # the same, absolute, as search engines expect of hreflang


def alternates(request: HttpRequest) -> list[Alternate]:
    """Every language of this page, then ``x-default``: the English page, which asks the
    browser."""
    found = []
    for code, name in settings.LANGUAGES:
        path = page_in(request, code)
        found.append(Alternate(code, str(name), path, request.build_absolute_uri(path)))
    default = next(alternate for alternate in found if alternate.code == settings.LANGUAGE_CODE)
    return [*found, Alternate("x-default", default.name, default.path, default.url)]


def _has_twin(path: str, language: str) -> bool:
    """Whether the plain address ``path`` is a page with a twin in ``language`` (the API, the
    admin and a missing page have none)."""
    if path.startswith(settings.STATIC_URL):
        return False
    with translation.override(language):
        return bool(is_valid_path(f"/{language}{path}"))


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        named = translation.get_language_from_path(path)
        varies: tuple[str, ...]
        if named is not None:
            language, varies = named, ()  # the address names the language: nothing else counts
        elif path.startswith(API_PREFIX):
            language, varies = from_accept_language(request), ("Accept-Language",)
        else:
            # The switch's cookie first, then Accept-Language.
            language = translation.get_language_from_request(request, check_path=False)
            varies = ("Accept-Language", "Cookie")
            if language != settings.LANGUAGE_CODE and _has_twin(path, language):
                if request.method not in _SAFE_METHODS:
                    language = settings.LANGUAGE_CODE  # a form sent from an English page
                else:
                    redirect = HttpResponseRedirect(page_in(request, language))
                    patch_vary_headers(redirect, varies)
                    return redirect
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        patch_vary_headers(response, varies)
        response.headers.setdefault("Content-Language", language)
        return response
