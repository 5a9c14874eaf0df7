"""Who is asking: the client's address, as far as it can be trusted.

Behind ``TRUSTED_PROXY_COUNT`` reverse proxies, each of which appends the address it
received the request from to ``X-Forwarded-For``, the client is the Nth address from the
right; anything further left was written by the client and proves nothing. With no proxy
(the default) the client is the peer of the connection, ``REMOTE_ADDR``, and the header is
ignored. Every throttle counts by ``client_key`` so they all agree on who a client is.
"""

import ipaddress
from typing import Any

from django.conf import settings

# An IPv6 subscriber is usually given a whole /64 and can pick any address in it, so a
# throttle that counted single IPv6 addresses could be dodged by changing address.
IPV6_CLIENT_PREFIX = 64


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    candidates = [value]
    # Some proxies write "address:port" or "[v6 address]:port".
    if value.startswith("[") and "]" in value:
        candidates.append(value[1 : value.index("]")])
    elif value.count(":") == 1:
        candidates.append(value.split(":", 1)[0])
    for candidate in candidates:
        try:
            address = ipaddress.ip_address(candidate)
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            return address.ipv4_mapped
        return address
    return None


def client_ip(request: Any) -> str:
    """The client's address: ``REMOTE_ADDR`` with no trusted proxy, otherwise the address
    the outermost trusted proxy received the request from. "unknown" if there is none."""
    meta = request.META
    remote = _parse(meta.get("REMOTE_ADDR", "") or "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = forwarded.split(",")
        # Fewer hops than proxies: the request skipped the outer proxies, and the leftmost
        # entry was written by the first proxy it did pass (the same rule as DRF's).
        address = _parse(hops[-min(proxies, len(hops))])
        if address is not None:
            return str(address)
        # A trusted proxy wrote something that is not an address: count the request as
        # coming from the proxy itself, which can only make throttling stricter.
    return str(remote) if remote is not None else "unknown"


def client_key(request: Any) -> str:
    """What throttles count a client by: its IPv4 address, or its IPv6 /64 network."""
    address = client_ip(request)
    parsed = _parse(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        network = ipaddress.IPv6Network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False)
        return str(network)
    return address
