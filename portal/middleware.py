"""Security headers sent with every response, and requests refused for holding control characters."""

import logging
import re

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string


class ContentSecurityPolicyMiddleware:
    """Add settings.CONTENT_SECURITY_POLICY unless the view set a stricter one (e.g. `sandbox`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


# --- input hygiene ---------------------------------------------------------------------------

# No person types a control character into a path, a parameter name or a cookie;
# NUL in particular makes PostgreSQL refuse the query (a 500 wherever the text reaches the
# database), so such requests are answered here, once, before any view or session lookup.
ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Values typed into forms may hold tab and line breaks (a <textarea>); the rest never.
CONTROL_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

security_logger = logging.getLogger("django.security.ControlCharacters")


class ControlCharacterMiddleware:
    """Answer 400 (templates/400.html) to a path, query or form field holding a control character.

    Cookies holding one are dropped rather than refused, so that a damaged cookie cannot shut a
    browser out of the whole site. Placed right after SecurityMiddleware: everything below it
    (sessions, CSRF, login throttling, the views) only ever sees clean text.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem:
            security_logger.warning("control character in %s: %s %r", problem, request.method,
                                    request.path)
            # Rendered without the request: the page must not show back what was sent (the
            # header's search box would echo ?q= with its NUL).
            response = HttpResponseBadRequest(render_to_string("400.html"))
            # The middleware below, which adds the policy to every other response, is skipped.
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
            return response
        self.drop_bad_cookies(request)
        return self.get_response(request)

    @staticmethod
    def problem(request) -> str:
        """Where the request holds a control character it must not ("" when clean)."""
        if ANY_CONTROL.search(request.path) or ANY_CONTROL.search(request.path_info):
            return "path"
        if _bad_fields(request.GET):
            return "query"
        # Form bodies only, parsed as CsrfViewMiddleware parses them anyway. Uploaded file names
        # need no check: Django's multipart parser drops their non-printable characters.
        if request.method == "POST" and _bad_fields(request.POST):
            return "form"
        return ""

    @staticmethod
    def drop_bad_cookies(request) -> None:
        bad = [name for name, value in request.COOKIES.items()
               if ANY_CONTROL.search(name) or ANY_CONTROL.search(value)]
        for name in bad:
            del request.COOKIES[name]


def _bad_fields(data) -> bool:
    return any(ANY_CONTROL.search(key) or any(CONTROL_BUT_LAYOUT.search(v) for v in values)
               for key, values in data.lists())
