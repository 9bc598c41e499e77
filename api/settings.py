"""Settings of the public JSON API, imported by portal/settings.py (plain values only: this
module is read before Django is set up)."""

REST_FRAMEWORK = {
    # Public and read-only: no sessions, no tokens, so no credentials and no CSRF in play.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    # JSON only: DRF's browsable API needs inline script, which the portal's CSP forbids; the
    # browsable page is Swagger UI at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "api.base.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Money is a string in JSON, never a float.
    "COERCE_DECIMAL_TO_STRING": True,
    "UNICODE_JSON": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "部门预算公开门户 API",
    "DESCRIPTION": (
        "Read-only JSON API of published department budgets (部门预算公开). Only published and "
        "superseded versions are ever returned, never drafts or discarded versions. Amounts are "
        "strings: `amount` as printed in `unit`, `amount_yuan` exact in 元; computed amounts "
        "(comparisons, rankings, 三公, headline figures) are in 万元 (`*_wan`)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.base.document_common_responses",
    ],
}
