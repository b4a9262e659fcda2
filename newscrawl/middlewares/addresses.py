"""Which network targets a crawl may contact: public addresses, or a site's own host.

Kept free of Scrapy so the rules can be tested (and reasoned about) on their own.
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# Hosts that C's inet_aton would read as an IPv4 address (0x7f.1, 2130706433, 0177.0.0.1).
_LEGACY_IPV4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}\.?$", re.IGNORECASE)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Origin:
    """scheme-less (host, port): the unit a private-address exemption is granted to."""

    host: str
    port: int

    @staticmethod
    def of(url: str) -> Origin | None:
        """The origin of *url*, or None when it has no usable host or port. Remembered
        for the last URLs: every request is vetted at scheduling and again before it is
        sent, each time with its site's registry URL."""
        return _origin_of(url)


@functools.lru_cache(maxsize=4096)
def _origin_of(url: str) -> Origin | None:
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        return None
    return Origin(host, port)


def literal_ip(host: str) -> IPAddress | None:
    """The address *host* denotes by itself (incl. legacy 0x7f.1 forms), else None."""
    host = host.strip("[]").rstrip(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _LEGACY_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def is_public(ip: IPAddress) -> bool:
    """True for globally routable unicast addresses (no loopback, private, link-local...)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def host_in_domain(host: str, site_host: str) -> bool:
    """True when *host* belongs to the site: same host, or the site's domain and subdomains.

    ``www.`` is stripped from the site host, so ``example.org`` and
    ``m.example.org`` belong to a site registered as ``www.example.org``.
    IP-literal sites only match themselves.
    """
    host, site_host = host.lower().rstrip("."), site_host.lower().rstrip(".")
    if host == site_host:
        return True
    if literal_ip(site_host) is not None or literal_ip(host) is not None:
        return False
    base = site_host.removeprefix("www.")
    return host == base or host.endswith("." + base)
