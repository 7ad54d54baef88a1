"""A third-party WebSocket client (the `websockets` package) run against our server.

Usage: ws_client.py URL. Expects the server to greet with "welcome" and then echo. Prints
"OK <close code>" when every exchange matched; exits non-zero with the reason otherwise.
"""
import asyncio
import sys

from websockets.asyncio.client import connect


async def main():
    async with connect(sys.argv[1], max_size=2**23) as connection:
        assert await connection.recv() == "welcome", "no greeting"
        for message in ["hello", "ünïcødé ✓", "x" * 70000]:
            await connection.send(message)
            answer = await connection.recv()
            assert answer == message, f"echo mismatch for a {len(message)}-character text"
        await connection.send(b"\x00\x01\x02\xff")
        assert await connection.recv() == b"\x00\x01\x02\xff", "binary echo mismatch"
        await connection.send(["frag", "men", "ted"])
        assert await connection.recv() == "fragmented", "fragmented message not reassembled"
        pong = await connection.ping(b"are you there")
        await asyncio.wait_for(pong, 2)
    print("OK", connection.close_code, flush=True)


asyncio.run(main())
