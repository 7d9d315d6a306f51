"""The INSTREAM client against a real clamd started with our own signature database."""

import io

import pytest

from earlyhelp.documents import clamd
from earlyhelp.testing.clamd import EICAR, SIGNATURE


def test_clean_file_passes(clamd_socket):
    assert clamd.scan(io.BytesIO(b"School attendance letter\n"), clamd_socket) == clamd.Verdict(
        clean=True)


def test_eicar_is_found_by_name(clamd_socket):
    verdict = clamd.scan(io.BytesIO(b"before " + EICAR + b" after"), clamd_socket)
    assert not verdict.clean
    assert verdict.signature.startswith(SIGNATURE)


def test_a_file_over_many_chunks_is_streamed_whole(clamd_socket):
    # The signature straddles a chunk boundary: clamd must see the stream as one file.
    body = b"a" * (clamd.CHUNK - 10) + EICAR + b"b" * (3 * clamd.CHUNK)
    assert not clamd.scan(io.BytesIO(body), clamd_socket).clean
    assert clamd.scan(io.BytesIO(b"a" * (3 * clamd.CHUNK + 5)), clamd_socket).clean


def test_ping(clamd_socket, tmp_path):
    assert clamd.ping(clamd_socket)
    assert not clamd.ping(str(tmp_path / "nobody.sock"))


@pytest.mark.parametrize("address", ["", "/nonexistent/clamd.sock", "tcp://127.0.0.1:9"])
def test_unreachable_scanner_raises(address):
    with pytest.raises(clamd.ScannerUnavailable):
        clamd.scan(io.BytesIO(b"x"), address)
