"""Structured audit events: one JSON log line each, with user, address and UTC time.

The request being served is remembered (`remember_request`), so a service called from a view,
from Django admin or from a command writes the same entry, with the address when there is one.
"""

import logging
from contextvars import ContextVar

from django.db import transaction

logger = logging.getLogger("workplan.audit")

_current_request: ContextVar = ContextVar("audit_request", default=None)


def remember_request(get_response):
    """Middleware: the request is known to `audit` while it is served."""

    def middleware(request):
        token = _current_request.set(request)
        try:
            return get_response(request)
        finally:
            _current_request.reset(token)

    return middleware


def client_address(request) -> str | None:
    # django-axes has already worked out the client's address, proxies included.
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")


def audit(event: str, request=None, *, user=None, when_committed: bool = False, **fields) -> None:
    """Log `event` with who did it and from where. `request` defaults to the one being served.

    With `when_committed`, the entry is written once the current transaction commits, and not
    at all if it rolls back: a log of what happened, not of what was tried.
    """
    request = request if request is not None else _current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    extra = {
        "event": event,
        "user": user.get_username() if user is not None and user.is_authenticated else None,
        "address": client_address(request) if request is not None else None,
        "path": request.path if request is not None else None,
        **fields,
    }
    if when_committed:
        transaction.on_commit(lambda: logger.info(event, extra=extra))
    else:
        logger.info(event, extra=extra)
