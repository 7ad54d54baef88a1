"""What the third-party client drivers share: steps that print `OK <step> …` or fail with
`FAIL <step> <reason>` plus the last HTTP exchange the client saw."""
import os
import sys


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
