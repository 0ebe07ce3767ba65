import logging

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DataError
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views.defaults import bad_request

logger = logging.getLogger(__name__)


def no_store_for_signed_in(get_response):
    """Pages for a signed-in person are never kept by browsers or proxies."""

    def middleware(request):
        response = get_response(request)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware


def security_headers(get_response):
    """The headers every response carries, whatever answered: a page, an error (a bad Host
    header is refused before Django's SecurityMiddleware can add them), a static file
    (WhiteNoise answers before the middleware below it), an API answer. First in MIDDLEWARE;
    the Content Security Policy and X-Frame-Options have their own middleware just below."""

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if settings.SECURE_REFERRER_POLICY:
            response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            response.headers.setdefault(
                "Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
            )
        if settings.SECURE_HSTS_SECONDS and request.is_secure():
            value = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                value += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                value += "; preload"
            response.headers.setdefault("Strict-Transport-Security", value)
        return response

    return middleware


def refuse_nul(get_response):
    """A NUL character in the address or a form is a bad request: PostgreSQL can neither store
    nor compare one, and no page of this site takes one."""

    def middleware(request):
        values = [*request.GET.keys(), *(v for vs in request.GET.lists() for v in vs[1])]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += [*request.POST.keys(), *(v for vs in request.POST.lists() for v in vs[1])]
        if any("\x00" in value for value in values):
            return bad_request(request, SuspiciousOperation("NUL character in the request"))
        return get_response(request)

    return middleware


class BadInputIsABadRequest:
    """A value the database cannot hold (a number beyond its integers, a text longer than a
    column) is the request's fault, not the server's: a 400, never a 500. Django's forms do not
    check every such limit (admin's choice of many, say), so it is caught here, once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OverflowError, DataError)):
            logger.warning("Refused a value the database cannot hold: %s", exception)
            return bad_request(request, SuspiciousOperation(str(exception)))
        return None


def browser_language(get_response):
    """The reader's language where the address does not say it.

    English pages have unprefixed addresses, where LocaleMiddleware always answers in English.
    A GET of one by a reader who has not chosen a language with the switch (no language
    cookie), whose browser prefers another of the site's languages, is sent to the same page in
    that language, filters kept: a visitor's browser language picks the first page they see. The
    switch sets the cookie, so choosing English sticks. Addresses that have one form in every
    language (the API, admin) answer in the reader's language: the cookie's, else the
    browser's. English readers cost nothing here.
    """

    def middleware(request):
        if not translation.get_language_from_path(request.path_info):
            preferred = translation.get_language_from_request(request)
            if preferred != settings.LANGUAGE_CODE:
                here = request.get_full_path()
                there = translate_url(here, preferred)
                if there == here:  # one address in every language
                    translation.activate(preferred)
                    request.LANGUAGE_CODE = preferred
                elif (
                    request.method in ("GET", "HEAD") and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
                ):
                    response = HttpResponseRedirect(there)
                    patch_vary_headers(response, ("Accept-Language", "Cookie"))
                    return response
            response = get_response(request)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
            return response
        return get_response(request)

    return middleware
