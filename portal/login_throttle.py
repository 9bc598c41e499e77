"""Login throttling per client address, across user names.

django-axes locks one user name from one address (AXES_LOCKOUT_PARAMETERS). That alone lets one
address try a common password on many user names (password spraying), each staying under the
limit. This handler adds a second, larger limit: AXES_ADDRESS_FAILURE_LIMIT failed logins from one
address within AXES_COOLOFF_TIME, whatever the user names, lock that address too. It is larger
than the per-user limit because many staff of one bureau may share one office address.

It counts axes' own AccessAttempt rows, so `axes_reset`, `axes_reset_ip` and the admin lift it.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum


def address_failures(request) -> int:
    """Failed logins from the request's client address within the cool-off time, any user name."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class AddressThrottlingHandler(AxesDatabaseHandler):
    """axes' database handler, plus the per-address limit (0 turns it off)."""

    @staticmethod
    def address_locked(request) -> bool:
        limit = getattr(settings, "AXES_ADDRESS_FAILURE_LIMIT", 0)
        return bool(settings.AXES_LOCK_OUT_AT_FAILURE and limit) and address_failures(request) >= limit

    def is_locked(self, request, credentials=None) -> bool:
        # Checked by AxesStandaloneBackend before any password is compared.
        return super().is_locked(request, credentials) or self.address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # The failure that reaches the limit already answers with the lockout page, as axes does
        # for its own limit, rather than one more ordinary "wrong password" form.
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self.is_whitelisted(request, credentials) or not self.address_locked(request):
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send("axes", request=request,
                             username=get_client_username(request, credentials),
                             ip_address=request.axes_ip_address)
