"""The address of the client behind a request, for counting failed tries.

Behind ``MEHMAN_PROXY_COUNT`` reverse proxies that each append the address they
received from to ``X-Forwarded-For``, the client is the address that many places
from the end of that header; entries before it may be forged by the client and
are ignored. With no proxy (the default) it is the peer address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    peer = str(request.META.get("REMOTE_ADDR") or "")
    proxies = int(getattr(settings, "MEHMAN_PROXY_COUNT", 0))
    if proxies <= 0:
        return peer
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return peer
    return forwarded[-proxies]
