"""Structured audit events: one JSON log line each, with user, address and UTC time."""

import logging

logger = logging.getLogger("workplan.audit")


def client_address(request) -> str | None:
    # django-axes has already worked out the client's address, proxies included.
    return getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")


def audit(event: str, request, **fields) -> None:
    user = getattr(request, "user", None)
    logger.info(
        event,
        extra={
            "event": event,
            "user": user.get_username() if user is not None and user.is_authenticated else None,
            "address": client_address(request),
            "path": request.path,
            **fields,
        },
    )
