"""``clusterlab serve``: a clear message and exit status 2 for bad input, never a traceback; pages that
link back to the address the browser used. (The browser itself is tried by screenshots/browser.py.)"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

import pytest

import clusterlab.serve
from clusterlab.cli import main
from clusterlab.serve import address_problem, make_server, public_url


def run_serve(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clusterlab", "serve", *args], capture_output=True, text=True, timeout=60
    )


def test_help_says_what_serve_does() -> None:
    result = run_serve("--help")
    assert result.returncode == 0
    assert "every browser tab that opens the page gets its own session" in " ".join(result.stdout.split())
    assert "--host" in result.stdout and "--port" in result.stdout and "127.0.0.1" in result.stdout


@pytest.mark.parametrize("port", ["99999", "abc", "0", "-1", "80.5"])
def test_a_bad_port_is_refused_before_anything_starts(port: str) -> None:
    result = run_serve("--port", port)
    assert result.returncode == 2
    assert f"a port is a number from 1 to 65535, not '{port}'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture()
def busy_port() -> object:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_a_port_in_use_is_a_message_not_a_traceback(busy_port: int) -> None:
    result = run_serve("--port", str(busy_port))
    assert result.returncode == 2
    assert f"port {busy_port} is already in use on 127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr and "Serving" not in result.stdout  # no banner first


def test_an_unknown_host_is_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "no-such-host.invalid", "--port", "8000"]) == 2
    assert "cannot listen on 'no-such-host.invalid'" in capsys.readouterr().err


def test_a_free_port_has_no_problem() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert address_problem("127.0.0.1", port) is None


def test_losing_the_port_after_the_check_is_still_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import textual_serve.server

    class RacedServer:
        def __init__(self, *args: object, **options: object) -> None:
            pass

        def serve(self) -> None:
            raise OSError(98, "Address already in use")

    monkeypatch.setattr(textual_serve.server, "Server", RacedServer)
    monkeypatch.setattr(clusterlab.serve, "address_problem", lambda host, port: None)
    assert main(["serve", "--port", "8000"]) == 2
    assert "cannot listen on 127.0.0.1:8000: Address already in use" in capsys.readouterr().err


def test_the_banner_names_this_computer_when_listening_everywhere() -> None:
    assert public_url("127.0.0.1", 8000) == "http://127.0.0.1:8000"
    assert public_url("::1", 8000) == "http://[::1]:8000"
    assert public_url("0.0.0.0", 8080) == f"http://{socket.gethostname()}:8080"


def test_the_page_links_back_to_the_address_the_browser_used() -> None:
    """With --host 0.0.0.0 textual-serve linked its script and websocket to 0.0.0.0: a blank page elsewhere."""
    from aiohttp.test_utils import TestClient, TestServer

    server = make_server("true", "0.0.0.0", 8000)

    async def fetch() -> str:
        async with TestClient(TestServer(await server._make_app())) as client:
            response = await client.get("/", headers={"Host": "classroom-pc:8000"})
            assert response.status == 200
            return await response.text()

    page = asyncio.run(fetch())
    assert "0.0.0.0" not in page
    assert 'src="http://classroom-pc:8000/static/js/textual.js"' in page
    assert 'data-session-websocket-url="ws://classroom-pc:8000/ws"' in page
