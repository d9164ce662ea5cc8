"""``clusterlab serve``: the cockpit in web browsers through textual-serve, one app process per tab."""

from __future__ import annotations

import errno
import socket
from typing import Any

WILDCARDS = ("0.0.0.0", "::", "")


def address_problem(host: str, port: int) -> str | None:
    """Why the server could not listen on ``host:port`` (checked by binding it), or None if it can.

    textual-serve would otherwise print its banner and then die with a traceback.
    """
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        return f"cannot listen on {host!r}: it is not an address or a host name this computer can resolve"
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server itself will
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                sock.bind(address)
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return f"port {port} is already in use on {host} (another server? try --port {port + 1})"
                if exc.errno == errno.EACCES:
                    return f"not allowed to listen on port {port} (ports below 1024 need administrator rights)"
                if exc.errno == errno.EADDRNOTAVAIL:
                    return f"cannot listen on {host}: it is not an address of this computer"
                return f"cannot listen on {host}:{port}: {exc.strerror or exc}"
    return None


def public_url(host: str, port: int) -> str:
    """The address the banner prints: for 0.0.0.0 / :: the computer's name, the one students type."""
    name = socket.gethostname() if host in WILDCARDS else host
    if ":" in name:  # an IPv6 literal
        name = f"[{name}]"
    return f"http://{name}:{port}"


def make_server(command: str, host: str, port: int) -> Any:
    """A textual-serve Server whose page links back to the address the browser used.

    textual-serve writes its static and websocket URLs from the listening host, so with
    ``--host 0.0.0.0`` every other computer's browser was sent to 0.0.0.0 (itself) and got a
    blank page; here each page is built from the request's own Host header instead.
    """
    from aiohttp import web
    from textual_serve.server import Server

    class ClassroomServer(Server):
        async def handle_index(self, request: web.Request) -> web.StreamResponse:
            # no await between this and the template's use of it: one request at a time sees it
            self.public_url = f"{request.scheme}://{request.host}"
            response: web.StreamResponse = await super().handle_index(request)
            return response

    return ClassroomServer(command, host=host, port=port, title="clusterlab", public_url=public_url(host, port))
