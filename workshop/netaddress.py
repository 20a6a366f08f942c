"""The address phones use to join: found on this machine, given in the configuration, or the
public address of a reverse proxy.

Plain Python, no Flask: `workshop serve` prints what is found here, and the pages build the
join link and QR code with `pick_join_base` (workshop/join_address.py gives it the request).
The facilitator usually opens the app at 127.0.0.1, which no phone can reach, so the address
the browser used is only kept when it is one the room can use too.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

# Any address outside this machine will do: connecting a UDP socket sends nothing, it only
# asks the kernel which interface (and so which address) would carry the traffic.
_ROUTE_PROBE = ("192.0.2.1", 9)  # TEST-NET-1 (RFC 5737), discard port
_HOST_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$",
                        re.IGNORECASE)
WILDCARD_HOSTS = ("", "0.0.0.0", "::")
# Found addresses are looked up again at most this often: pages ask for them on each load,
# and a laptop moved to another network shows its new address within this time.
FOUND_FOR_SECONDS = 30.0


def is_loopback(host: str) -> bool:
    """True for an address (or name) that only reaches this machine: 127.0.0.0/8, ::1, localhost."""
    host = host.strip().strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    # Link-local (169.254/16) is what a laptop gives itself when no network answered DHCP.
    return not (ip.is_loopback or ip.is_unspecified or ip.is_multicast or ip.is_link_local)


def discover_addresses() -> list[str]:
    """This machine's IPv4 addresses that another device on its network may reach, the one of
    the default route first. Sends no packet; a machine with no network gives []."""
    found: list[str] = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(_ROUTE_PROBE)
        found.append(probe.getsockname()[0])
    except OSError:  # no route at all: no network
        pass
    finally:
        probe.close()
    try:
        # As the system resolves its own name (/etc/hosts, nss-myhostname), for machines
        # with more than one network but one default route.
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_DGRAM):
            found.append(info[4][0])
    except (OSError, UnicodeError):
        pass
    return [address for address in dict.fromkeys(found) if _usable(address)]


_found: tuple[float, list[str]] | None = None


def machine_addresses(now: Callable[[], float] = time.monotonic) -> list[str]:
    """discover_addresses(), looked up again at most every FOUND_FOR_SECONDS in this process.
    (Facts about this machine, not workshop state: each process finds its own.)"""
    global _found
    moment = now()
    if _found is None or moment - _found[0] > FOUND_FOR_SECONDS:
        _found = (moment, discover_addresses())
    return list(_found[1])


def parse_addresses(text: str | None) -> list[str]:
    """WORKSHOP_JOIN_ADDRESSES: addresses or host names separated by commas or spaces, in the
    order given. Loopback addresses and entries that are neither are left out."""
    addresses = []
    for entry in re.split(r"[\s,]+", text or ""):
        entry = entry.strip().strip("[]")
        if not entry or is_loopback(entry):
            continue
        try:
            addresses.append(str(ipaddress.ip_address(entry)))
        except ValueError:
            if _HOST_NAME.match(entry):
                addresses.append(entry.lower())
    return list(dict.fromkeys(addresses))


def parse_public_url(text: str | None) -> str | None:
    """WORKSHOP_PUBLIC_URL as scheme://host[:port] without a trailing slash; None when unset.
    Raises ValueError for anything else (a path, a query, no host, another scheme)."""
    text = (text or "").strip()
    if not text:
        return None
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError as error:
        raise ValueError(f"WORKSHOP_PUBLIC_URL has no valid port: {text!r}") from error
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"WORKSHOP_PUBLIC_URL must be the address phones open, like "
                         f"https://workshop.example.no (scheme and host only): {text!r}")
    return f"{parts.scheme}://{netloc(parts.hostname, port)}"


def reachable_addresses(listen_host: str, configured: Iterable[str],
                        discover: Callable[[], list[str]]) -> tuple[list[str], bool]:
    """The addresses the room may use, and whether the server listens on loopback only.

    Addresses given in the configuration are taken as they are (the deployer knows a port
    forward or a container's host address). Otherwise the server's listening address decides:
    every interface (0.0.0.0) offers what this machine has; one address offers that one; a
    loopback address offers none, since no phone could connect however the link is written."""
    configured = list(configured)
    if configured:
        return configured, False
    if listen_host in WILDCARD_HOSTS:
        return discover(), False
    if is_loopback(listen_host):
        return [], True
    return [listen_host], False


@dataclass(frozen=True)
class JoinBase:
    """Where phones join: `url` is scheme://host[:port] (the join path is added to it)."""

    url: str
    # The facilitator may choose among these (the console shows a choice when there are two
    # or more); `current` is the one `url` uses, or "" when it uses none of them.
    choices: tuple[str, ...] = ()
    current: str = ""
    # Why this address: "public" (WORKSHOP_PUBLIC_URL), "chosen" (in the console), "browser"
    # (the address the facilitator's browser used, already one the room can reach), "found"
    # (this machine's network address), "loopback" (none found: only this machine can open
    # it), "listening-loopback" (the server listens on 127.0.0.1: no phone can connect).
    source: str = "found"

    @property
    def reachable(self) -> bool:
        return self.source not in ("loopback", "listening-loopback")


def netloc(host: str, port: int | None) -> str:
    """host:port as a URL writes it (an IPv6 address in brackets; no port when None)."""
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port else shown


def pick_join_base(*, scheme: str, request_host: str, public_url: str | None,
                   addresses: Iterable[str], chosen: str | None,
                   listening_on_loopback: bool = False) -> JoinBase:
    """The join address for a page requested at `scheme://request_host` (the Host header,
    with its port if any).

    WORKSHOP_PUBLIC_URL wins. Else the address the facilitator chose, while this machine still
    has it; else the browser's own address when the room can reach it (not loopback); else the
    first network address found. A found or chosen address keeps the request's port: when the
    browser used loopback, that is the port the server listens on."""
    choices = tuple(addresses)
    if public_url:
        return JoinBase(public_url, source="public")
    parts = urlsplit(f"//{request_host}")
    hostname = parts.hostname or ""
    try:
        port = parts.port
    except ValueError:
        port = None
    if chosen and chosen in choices:
        return JoinBase(f"{scheme}://{netloc(chosen, port)}", choices, chosen, "chosen")
    if hostname and not is_loopback(hostname):
        current = hostname if hostname in choices else ""
        return JoinBase(f"{scheme}://{netloc(hostname, port)}", choices, current, "browser")
    if choices:
        return JoinBase(f"{scheme}://{netloc(choices[0], port)}", choices, choices[0], "found")
    source = "listening-loopback" if listening_on_loopback else "loopback"
    return JoinBase(f"{scheme}://{netloc(hostname or '127.0.0.1', port)}", (), "", source)
