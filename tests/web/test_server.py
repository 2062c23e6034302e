"""`oncocohort serve`: the start URL, a taken port, bad options."""

from __future__ import annotations

import socket

from oncocohort.cli import main
from oncocohort.web.server import port_is_free, start_url


def test_start_url_holds_the_token():
    assert start_url("127.0.0.1", 8765, "abc") == "http://127.0.0.1:8765/?token=abc"
    assert start_url("::1", 9000, "abc") == "http://[::1]:9000/?token=abc"


def test_a_taken_port_is_said_in_words(tmp_path, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not port_is_free("127.0.0.1", port)
        assert main(["serve", "--port", str(port), "--no-browser", "--workspace", str(tmp_path)]) == 1
    assert f"port {port} on 127.0.0.1 is in use" in capsys.readouterr().err


def test_upload_limit_must_be_positive(tmp_path, capsys):
    assert main(["serve", "--max-upload-mb", "0", "--no-browser", "--workspace", str(tmp_path)]) == 2
    assert "--max-upload-mb must be more than 0" in capsys.readouterr().err
