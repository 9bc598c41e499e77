"""Security headers sent with every response."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Add settings.CONTENT_SECURITY_POLICY unless the view set a stricter one (e.g. `sandbox`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
