"""A small client for ClamAV's daemon (clamd): the INSTREAM command over its unix socket or TCP.

The protocol (clamd(8)): send `zINSTREAM\\0`, then the file as chunks each prefixed by its length
as a 4-byte big-endian integer, then a zero-length chunk. clamd answers one NUL-terminated line:
`stream: OK`, `stream: <signature> FOUND` or `... ERROR`.
"""

import socket
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or did not give a verdict."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""  # the signature clamd named when it found something


def _connect(address: str, timeout: float) -> socket.socket:
    """`address` is a socket path, or `tcp://host:port`."""
    if address.startswith("tcp://"):
        host, _, port = address[len("tcp://"):].rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.connect(address)
    return sock


def _read_reply(sock) -> str:
    data = b""
    while not data.endswith(b"\0"):
        part = sock.recv(4096)
        if not part:
            break
        data += part
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping(address: str, *, timeout: float = 5.0) -> bool:
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zPING\0")
            return _read_reply(sock) == "PONG"
    except OSError:
        return False


def scan(stream, address: str, *, timeout: float = 30.0) -> Verdict:
    """Stream a file object's bytes to clamd and return its verdict. Raises ScannerUnavailable
    when clamd cannot be reached, refuses the stream (e.g. over StreamMaxLength) or errs."""
    if not address:
        raise ScannerUnavailable("No virus scanner is configured (DOCUMENTS_CLAMD_ADDRESS).")
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = _read_reply(sock)
    except OSError as error:
        raise ScannerUnavailable(f"The virus scanner could not be reached: {error}") from error
    if reply.endswith(" OK"):
        return Verdict(clean=True)
    if reply.endswith(" FOUND"):
        signature = reply.removeprefix("stream:").removesuffix("FOUND").strip()
        return Verdict(clean=False, signature=signature)
    raise ScannerUnavailable(f"The virus scanner did not give a verdict: {reply or 'no reply'}")
