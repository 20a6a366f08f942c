"""Which address the join link and QR code use (workshop/netaddress.py), without a network.

The facilitator opens the app at 127.0.0.1, which no phone can reach: the link must carry an
address the room can use, and say so when there is none."""

from __future__ import annotations

import socket

import pytest

from workshop import netaddress
from workshop.netaddress import (
    parse_addresses,
    parse_public_url,
    pick_join_base,
    reachable_addresses,
)


def pick(request_host="127.0.0.1:5000", addresses=(), chosen=None, public_url=None, scheme="http",
         listening_on_loopback=False):
    return pick_join_base(scheme=scheme, request_host=request_host, public_url=public_url,
                          addresses=addresses, chosen=chosen, listening_on_loopback=listening_on_loopback)


def test_a_browser_on_loopback_gets_the_network_address_with_the_port_it_used():
    base = pick("127.0.0.1:5123", ["192.0.2.10"])
    assert base.url == "http://192.0.2.10:5123"
    assert base.reachable and base.source == "found" and base.current == "192.0.2.10"


@pytest.mark.parametrize("host", ["localhost:5000", "[::1]:5000", "127.0.1.1:5000", "LOCALHOST:5000"])
def test_every_loopback_spelling_is_replaced(host):
    assert pick(host, ["192.0.2.10"]).url == "http://192.0.2.10:5000"


def test_without_a_port_in_the_request_the_link_has_none():
    assert pick("localhost", ["192.0.2.10"]).url == "http://192.0.2.10"


def test_the_first_address_found_is_used_until_the_facilitator_chooses():
    assert pick(addresses=["192.0.2.10", "198.51.100.7"]).url == "http://192.0.2.10:5000"
    chosen = pick(addresses=["192.0.2.10", "198.51.100.7"], chosen="198.51.100.7")
    assert chosen.url == "http://198.51.100.7:5000"
    assert chosen.source == "chosen" and chosen.current == "198.51.100.7"
    assert chosen.choices == ("192.0.2.10", "198.51.100.7")


def test_a_choice_the_machine_no_longer_has_is_ignored():
    """The laptop moved to another network since the facilitator chose."""
    base = pick(addresses=["203.0.113.5"], chosen="198.51.100.7")
    assert base.url == "http://203.0.113.5:5000" and base.source == "found"


def test_a_browser_that_used_a_room_address_keeps_it():
    base = pick("192.0.2.10:5000", ["192.0.2.10", "198.51.100.7"])
    assert base.url == "http://192.0.2.10:5000" and base.source == "browser"
    assert base.current == "192.0.2.10"
    named = pick("laptop.local:8080", ["192.0.2.10"])
    assert named.url == "http://laptop.local:8080" and named.current == ""


def test_the_choice_wins_over_the_browsers_address():
    assert pick("192.0.2.10:5000", ["192.0.2.10", "198.51.100.7"],
                chosen="198.51.100.7").url == "http://198.51.100.7:5000"


def test_the_public_url_wins_over_everything():
    base = pick("127.0.0.1:5001", ["192.0.2.10"], chosen="192.0.2.10",
                public_url="https://workshop.example.no")
    assert base.url == "https://workshop.example.no"
    assert base.source == "public" and base.reachable and base.choices == ()


def test_with_no_network_address_the_link_stays_on_loopback_and_says_so():
    base = pick("127.0.0.1:5000", [])
    assert base.url == "http://127.0.0.1:5000"
    assert not base.reachable and base.source == "loopback"
    listening = pick("127.0.0.1:5000", [], listening_on_loopback=True)
    assert not listening.reachable and listening.source == "listening-loopback"


def test_ipv6_addresses_are_written_in_brackets():
    assert pick("[::1]:5000", ["2001:db8::5"]).url == "http://[2001:db8::5]:5000"


def test_an_unreadable_port_in_the_host_header_is_left_out():
    assert pick("127.0.0.1:abc", ["192.0.2.10"]).url == "http://192.0.2.10"


# --- which addresses are offered -------------------------------------------------------------

def never_called():
    raise AssertionError("discovery was not needed")


def test_configured_addresses_are_taken_as_given():
    assert reachable_addresses("127.0.0.1", ["192.0.2.10"], never_called) == (["192.0.2.10"], False)


def test_listening_everywhere_offers_what_the_machine_has():
    assert reachable_addresses("0.0.0.0", [], lambda: ["192.0.2.10"]) == (["192.0.2.10"], False)
    assert reachable_addresses("::", [], lambda: []) == ([], False)


def test_listening_on_loopback_offers_nothing_however_many_addresses_the_machine_has():
    assert reachable_addresses("127.0.0.1", [], never_called) == ([], True)


def test_listening_on_one_address_offers_that_one():
    assert reachable_addresses("192.0.2.10", [], never_called) == (["192.0.2.10"], False)


def test_configured_addresses_are_parsed_leniently_and_in_order():
    assert parse_addresses(" 198.51.100.7, 192.0.2.10 laptop.Local\n127.0.0.1 ::1 not_a_name [2001:db8::1] "
                           "192.0.2.10") == ["198.51.100.7", "192.0.2.10", "laptop.local", "2001:db8::1"]
    assert parse_addresses(None) == [] and parse_addresses("") == []


@pytest.mark.parametrize("given, wanted", [
    ("https://workshop.example.no", "https://workshop.example.no"),
    ("https://Workshop.Example.no/", "https://workshop.example.no"),
    ("http://192.0.2.10:8080", "http://192.0.2.10:8080"),
    ("  ", None), (None, None),
])
def test_the_public_url_is_an_origin(given, wanted):
    assert parse_public_url(given) == wanted


@pytest.mark.parametrize("given", ["workshop.example.no", "ftp://example.no", "https://example.no/app",
                                   "https://example.no/?x=1", "https://user:pw@example.no",
                                   "https://example.no:port", "https://"])
def test_a_public_url_that_is_not_an_origin_is_refused(given):
    with pytest.raises(ValueError, match="WORKSHOP_PUBLIC_URL"):
        parse_public_url(given)


# --- discovery on this machine ---------------------------------------------------------------

def test_discovery_on_a_machine_without_network_finds_nothing_and_does_not_fail(monkeypatch):
    def no_route(self, address):
        raise OSError(101, "Network is unreachable")

    def no_name(*args, **kwargs):
        raise socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(socket.socket, "connect", no_route)
    monkeypatch.setattr(socket, "getaddrinfo", no_name)
    assert netaddress.discover_addresses() == []


def test_discovery_leaves_out_loopback_and_self_assigned_addresses(monkeypatch):
    sent = []

    class Probe:
        def __init__(self, *args):
            pass

        def connect(self, address):
            pass  # a UDP connect: only picks the interface

        def getsockname(self):
            return ("10.1.2.3", 40000)

        def send(self, *args):
            sent.append(args)

        sendto = send

        def close(self):
            pass

    def resolved(*args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_DGRAM, 17, "", (address, 0))
                for address in ("127.0.1.1", "169.254.3.4", "10.1.2.3", "192.0.2.10")]

    monkeypatch.setattr(socket, "socket", Probe)
    monkeypatch.setattr(socket, "getaddrinfo", resolved)
    assert netaddress.discover_addresses() == ["10.1.2.3", "192.0.2.10"]
    assert sent == []


def test_discovery_on_this_machine_gives_only_addresses_phones_could_use():
    for address in netaddress.discover_addresses():
        assert not netaddress.is_loopback(address)
        assert socket.inet_aton(address)  # an IPv4 address


def test_found_addresses_are_looked_up_again_after_a_while(monkeypatch):
    found = iter([["192.0.2.10"], ["203.0.113.5"]])
    monkeypatch.setattr(netaddress, "discover_addresses", lambda: next(found))
    monkeypatch.setattr(netaddress, "_found", None)
    clock = [100.0]
    assert netaddress.machine_addresses(lambda: clock[0]) == ["192.0.2.10"]
    clock[0] += 5
    assert netaddress.machine_addresses(lambda: clock[0]) == ["192.0.2.10"]
    clock[0] += netaddress.FOUND_FOR_SECONDS
    assert netaddress.machine_addresses(lambda: clock[0]) == ["203.0.113.5"]
