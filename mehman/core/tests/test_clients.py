"""The client address behind a request, with and without reverse proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from mehman.core.clients import client_address


def request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_peer_is_the_client_whatever_the_header_says():
    assert client_address(request("192.0.2.1", "203.0.113.5")) == "192.0.2.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "192.0.2.9", "192.0.2.9"),
        (1, "203.0.113.5, 192.0.2.9", "192.0.2.9"),  # a forged first entry is ignored
        (2, "203.0.113.5, 192.0.2.9, 10.0.0.3", "192.0.2.9"),
        (2, "192.0.2.9", "10.0.0.1"),  # fewer entries than proxies: the peer
        (1, "", "10.0.0.1"),
    ],
)
def test_behind_proxies_the_client_is_counted_from_the_end_of_the_header(
    proxies, forwarded, expected
):
    with override_settings(MEHMAN_PROXY_COUNT=proxies):
        assert client_address(request("10.0.0.1", forwarded)) == expected
