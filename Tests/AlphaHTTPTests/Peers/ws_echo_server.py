"""A third-party WebSocket echo server (the `websockets` package) for interoperability tests.

Usage: ws_echo_server.py [CERT KEY]. Prints the port, then one line per TLS handshake naming
the SNI server name it received. Pings every 0.2 s and drops a client that does not answer,
so a client that fails to pong is caught.
"""
import asyncio
import ssl
import sys

from websockets.asyncio.server import serve


async def echo(connection):
    await connection.send("welcome")
    async for message in connection:
        await connection.send(message)


async def main():
    context = None
    if len(sys.argv) == 3:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])

        def note_server_name(_socket, name, _context):
            print(f"sni {name}", flush=True)

        context.sni_callback = note_server_name
    async with serve(echo, "127.0.0.1", 0, ssl=context, max_size=2**23,
                     ping_interval=0.2, ping_timeout=1) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        # Runs until the test closes our stdin (or dies, which closes it too).
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


asyncio.run(main())
