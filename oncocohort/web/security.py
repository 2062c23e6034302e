"""Safe by default: a secret token on every request, a cap on request bodies, and strict response headers.

The token is random (``secrets``) and printed with the start URL, as Jupyter does. A request carries it as
``?token=`` (a page opened from the printed URL: the app sets an HttpOnly, SameSite=Strict cookie and redirects to
the same page without the token, so it does not stay in the address bar), as that cookie, or as the header
``X-Oncocohort-Token`` / ``Authorization: Bearer`` (scripts, docs/web.md). Anything else is answered 403.
SameSite=Strict keeps other web sites from sending requests with the cookie (no cross-site request forgery).
"""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import URL
from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_HEADER = "x-oncocohort-token"
# Pages may load only the app's own scripts and styles; the report's inline style and embedded PNGs are allowed.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; frame-ancestors 'self'; form-action 'self'; base-uri 'none'")
SECURITY_HEADERS = [(b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
                    (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                    (b"cache-control", b"no-store")]
FORBIDDEN = ("403 Forbidden: this oncocohort server needs its token. Open the address printed in the terminal where "
             "`oncocohort serve` was started (it ends in ?token=...).")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class BodyTooLarge(Exception):
    pass


class SecurityMiddleware:
    """Token check, body-size limit and security headers around the whole app (pure ASGI)."""

    def __init__(self, app: ASGIApp, token: str, cookie_name: str, max_body_bytes: int):
        self.app, self.token, self.cookie_name, self.max_body_bytes = app, token, cookie_name, max_body_bytes

    def _presented(self, scope: Scope) -> tuple[str | None, str | None]:
        """(token from the query string, token from a header or the cookie)."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        other = headers.get(TOKEN_HEADER)
        auth = headers.get("authorization", "")
        if other is None and auth.lower().startswith("bearer "):
            other = auth[7:].strip()
        if other is None:
            for part in headers.get("cookie", "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == self.cookie_name:
                    other = value
        return query.get("token"), other

    def _valid(self, value: str | None) -> bool:
        return value is not None and secrets.compare_digest(value.encode(), self.token.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from_query, other = self._presented(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        if not (self._valid(from_query) or self._valid(other)):
            await PlainTextResponse(FORBIDDEN, status_code=403)(scope, receive, send_with_headers)
            return
        if self._valid(from_query) and scope["method"] == "GET" and not scope["path"].startswith("/api/"):
            query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1")) if k != "token"]
            url = URL(scope=scope).replace(query=urlencode(query))
            response = RedirectResponse(str(url.path) + (f"?{url.query}" if url.query else ""), status_code=303)
            response.set_cookie(self.cookie_name, self.token, httponly=True, samesite="strict", path="/")
            await response(scope, receive, send_with_headers)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body_bytes:
            await PlainTextResponse(self._too_large(), status_code=413)(scope, receive, send_with_headers)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await PlainTextResponse(self._too_large(), status_code=413)(scope, receive, send_with_headers)

    def _too_large(self) -> str:
        return too_large_message(self.max_body_bytes)


def too_large_message(max_bytes: int) -> str:
    return (f"413: the upload is larger than this server's limit of {max_bytes / 2**20:.3g} MB "
            "(oncocohort serve --max-upload-mb)")
