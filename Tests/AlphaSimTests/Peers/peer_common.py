"""What the third-party client drivers share: the command line, and steps that print `OK <step> …`
or fail with `FAIL <step> <reason>` plus the last HTTP exchange the client saw."""
import os
import sys
import time


def parse_args(argv, usage):
    """REST_BASE_URL WS_BASE_URL API_KEY API_SECRET, the URLs without a trailing slash; -h/--help prints
    `usage` and exits 0, anything else exits 2."""
    if any(a in ("-h", "--help") for a in argv):
        print(usage)
        sys.exit(0)
    if len(argv) != 4 or any(a.startswith("-") for a in argv):
        sys.stderr.write(usage + "\n")
        sys.exit(2)
    rest, ws, key, secret = argv
    if not rest.startswith(("http://", "https://")) or not ws.startswith(("ws://", "wss://")):
        sys.stderr.write("REST_BASE_URL must be http(s)://..., WS_BASE_URL ws(s)://...\n" + usage + "\n")
        sys.exit(2)
    return rest.rstrip("/"), ws.rstrip("/"), key, secret


def missing_client(error):
    """The client library did not import: exit status 3."""
    sys.stderr.write(f"FAIL import {error}; run scripts/setup-python-clients and use .venv-clients/bin/python\n")
    sys.exit(3)


class StepFailed(Exception):
    pass


class HttpTap:
    """Keeps the last HTTP exchange via the public `requests` response-hook API of a client's session."""

    def __init__(self, trace):
        self.trace = trace
        self.last = None

    def __call__(self, response, *args, **kwargs):
        self.last = response
        if self.trace:
            request = response.request
            body = request.body.decode() if isinstance(request.body, bytes) else request.body
            sys.stderr.write(
                f"TRACE {request.method} {request.url} ct={request.headers.get('Content-Type')!r} "
                f"body={body!r} -> {response.status_code} {response.text[:500]!r}\n"
            )
        return response

    def describe(self):
        if self.last is None:
            return ["  (no HTTP response was received)"]
        request = self.last.request
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        return [
            f"  request: {request.method} {request.url}",
            f"  request content-type: {request.headers.get('Content-Type')!r} body: {body!r}",
            f"  http status: {self.last.status_code} {self.last.reason}",
            f"  response content-type: {self.last.headers.get('Content-Type')!r}",
            f"  response body: {self.last.text[:2000]}",
        ]


def fail(step, reason, tap=None, hard_exit=False):
    lines = [f"FAIL {step} {reason}"]
    if tap is not None:
        lines += tap.describe()
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()
    if hard_exit:
        # A non-daemon reader thread (the connector's websocket) must not keep a failed run alive.
        os._exit(1)
    sys.exit(1)


def ok(step, detail):
    print(f"OK {step} {detail}", flush=True)


def check(condition, message):
    if not condition:
        raise StepFailed(message)


def with_cause(error):
    cause = error.__cause__ or error.__context__
    return f"{type(error).__name__}: {error}" + (f" (caused by {cause!r})" if cause else "")


def stepper(tap, describe, hard_exit=False):
    """`step(name, function)`: prints `OK name <what function returned>`, or fails the run with the
    reason: a failed check's message, `describe(error)` for the client library's own errors (None for
    any other exception), else the exception's type and repr."""

    def step(name, function):
        tap.last = None
        try:
            detail = function()
        except StepFailed as error:
            fail(name, str(error), tap, hard_exit)
        except Exception as error:  # connection refused, a parsing bug in the client, JSON shape surprises, ...
            fail(name, describe(error) or f"{type(error).__name__}: {error!r}", tap, hard_exit)
        ok(name, detail)

    return step


def retry(attempts, function):
    """Prices may move between two requests: pass if one of `attempts` back-to-back tries agrees."""
    last = None
    for _ in range(attempts):
        agreed, last = function()
        if agreed:
            return last
        time.sleep(0.05)
    raise StepFailed(last)
