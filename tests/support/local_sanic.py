"""A channel's blueprint on a local Sanic server, mounted as Rasa mounts it, for
tests that need real HTTP without a trained model."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

from servers import free_port


@contextlib.asynccontextmanager
async def serve_channel(
    channel: Any, on_new_message: Any, agent: Any | None = None, listeners: bool = False
) -> AsyncIterator[str]:
    """Serve `channel`; yield its base URL (http://127.0.0.1:port/webhooks/<name>).

    `agent` becomes app.ctx.agent (as Rasa sets it); with `listeners`, the
    server's start listeners run too (our channels set limits and check the
    store there).
    """
    from sanic import Sanic

    Sanic.test_mode = True  # several apps in one process (Sanic's own test setting)
    app = Sanic(f"test_{uuid.uuid4().hex}", configure_logging=False)
    app.blueprint(channel.blueprint(on_new_message), url_prefix=f"/webhooks/{channel.name()}")
    if agent is not None:
        app.ctx.agent = agent
    port = free_port()
    server = await app.create_server(
        host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False
    )
    await server.startup()
    if listeners:
        await server.before_start()
        await server.after_start()
    try:
        yield f"http://127.0.0.1:{port}/webhooks/{channel.name()}"
    finally:
        server.close()
        await server.wait_closed()
