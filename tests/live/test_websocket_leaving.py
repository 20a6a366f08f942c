"""A phone that closes its page in the middle of the upgrade to a WebSocket (it sent the
probe, then went) leaves no traceback in the server's log, and the next phone connects."""

import base64
import json
import os
import socket

import requests


def frame(opcode: int, payload: bytes) -> bytes:
    """One masked WebSocket frame, as a browser sends it."""
    mask = os.urandom(4)
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + bytes(b ^ mask[n % 4] for n, b in enumerate(payload))


def leave_during_the_upgrade(url: str) -> None:
    handshake = requests.get(f"{url}/socket.io/?EIO=4&transport=polling", timeout=5)
    sid = json.loads(handshake.text[1:])["sid"]
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        key = base64.b64encode(os.urandom(16)).decode()
        connection.sendall((f"GET /socket.io/?EIO=4&transport=websocket&sid={sid} HTTP/1.1\r\n"
                            f"Host: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        assert connection.recv(1024).startswith(b"HTTP/1.1 101")
        # The probe, then "going away" (1001) before the server's answer: a tab closed.
        connection.sendall(frame(0x1, b"2probe") + frame(0x8, (1001).to_bytes(2, "big")))


def test_a_phone_leaving_mid_upgrade_logs_no_traceback(server):
    for _ in range(20):  # it happened on nearly every attempt before
        leave_during_the_upgrade(server.url)
    after = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=5)
    assert after.status_code == 200 and '"sid"' in after.text
    # The autouse fixture fails the test on any traceback the server wrote meanwhile.
