"""What every API view shares: read-only methods, CORS for reads, ETags, pagination, money as
text, and the responses every operation may give (documented once, in the schema hook)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.cache import get_conditional_response, patch_cache_control, set_response_etag
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

READ_METHODS = ("GET", "HEAD", "OPTIONS")
# Anyone may read from any site; nothing is sent with credentials, so "*" is enough and no
# Vary: Origin is needed. Only reads get these headers: a browser then refuses to let a page
# see the answer to any other method (which is a 405 anyway).
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": ", ".join(READ_METHODS),
    "Access-Control-Allow-Headers": "Accept, Accept-Language, If-None-Match",
    "Access-Control-Expose-Headers": "ETag, Link",
    "Access-Control-Max-Age": "86400",
}


class PublicReadMixin:
    """GET/HEAD/OPTIONS only (anything else: 405 with Allow), CORS headers on reads, and an
    ETag on every 200 so that a client sending If-None-Match gets 304 without the body."""

    http_method_names = ["get", "head", "options"]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in READ_METHODS:
            return response
        if request.method != "OPTIONS" and response.status_code == 200:
            response = with_etag(request, response)
        for name, value in CORS_HEADERS.items():
            response[name] = value
        return response


def with_etag(request, response):
    """The response with an ETag of its body, or 304 Not Modified when the client has it.

    The body is rendered to hash it: the data change only when staff publish, and hashing
    what is sent needs no bookkeeping of what each answer depends on."""
    if hasattr(response, "render"):
        response.render()
    set_response_etag(response)
    # "no-cache": caches may keep it but must ask again (a publication changes the data).
    patch_cache_control(response, public=True, no_cache=True)
    return get_conditional_response(request, etag=response["ETag"], response=response)


class Pagination(PageNumberPagination):
    """?page=N&page_size=M (at most 1000); next/previous as absolute URLs in the body and as a
    Link header (rel="next", rel="prev")."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_paginated_response(self, data, **extra) -> Response:
        next_url, previous_url = self.get_next_link(), self.get_previous_link()
        response = Response({"count": self.page.paginator.count, "next": next_url,
                             "previous": previous_url, **extra, "results": data})
        links = [f'<{url}>; rel="{rel}"' for url, rel in ((next_url, "next"),
                                                           (previous_url, "prev")) if url]
        if links:
            response["Link"] = ", ".join(links)
        return response


def decimal_text(value, places: str | None = None) -> str | None:
    """A Decimal as plain text without exponent or padding zeros ("1182200", "4055.65"),
    rounded to `places` ("0.01") when given; None stays None. Money never becomes a float."""
    if value is None:
        return None
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(places))
    text = f"{value:f}"
    if "." in text and places is None:
        text = text.rstrip("0").rstrip(".")
    return text


ERROR_SCHEMA = {"type": "object", "additionalProperties": True,
                "description": "`detail`, or the invalid parameters with their messages"}


# The portal refuses a query holding a control character (portal.middleware, a 400 page): the
# schema says so, so that clients and generated tests know which text is a valid parameter.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001f\\u007f]*$"


def _text_without_control_characters(parameter: dict) -> None:
    schema = parameter.get("schema", {})
    if schema.get("type") == "array":
        schema = schema.get("items", {})
    if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        schema.setdefault("pattern", NO_CONTROL_CHARACTERS)


def document_common_responses(result, generator, request, public):
    """Schema hook: every operation may answer 400 (a bad parameter; a control character in
    the query is refused by the portal's middleware as an HTML page), 404 (an unknown object
    or page) and 304 (If-None-Match matched the ETag); text parameters hold no control
    characters."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                _text_without_control_characters(parameter)
            responses = operation.setdefault("responses", {})
            responses.setdefault("304", {"description": "Not modified: the ETag sent in "
                                                        "If-None-Match still matches"})
            responses.setdefault("400", {"description": "Invalid parameters", "content": {
                "application/json": {"schema": ERROR_SCHEMA},
                "text/html": {"schema": {"type": "string"}}}})
            responses.setdefault("404", {"description": "Not found", "content": {
                "application/json": {"schema": ERROR_SCHEMA}}})
    return result
