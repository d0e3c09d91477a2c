"""``suasion serve``: the web workbench."""

from __future__ import annotations

import typer


def serve_cmd(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (loopback by default)."),
              port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port (1-65535)."),
              register: str | None = typer.Option(None, "--register", metavar="URL|PATH",
                                                  help="Engagement register (default: $SUASION_REGISTER_URL or "
                                                       "the register file in the data home)."),
              store: str | None = typer.Option(None, "--store", metavar="DIR",
                                               help="Event store for the dyad page (default: the user's store)."),
              secure_cookies: bool = typer.Option(False, "--secure-cookies",
                                                  help="Mark session cookies Secure (behind HTTPS).")) -> None:
    """Serve the workbench (pages, downloads and the register's JSON API) in a browser."""
    import uvicorn

    from suasion.errors import SuasionError
    from suasion.web.app import create_app

    if host not in ("127.0.0.1", "::1", "localhost"):
        typer.echo(f"warning: listening on {host}, not loopback; put HTTPS in front and use --secure-cookies",
                   err=True)
    try:
        app = create_app(register, event_store=store, secure_cookies=secure_cookies)
    except SuasionError:
        raise
    except Exception as exc:  # noqa: BLE001 - a register that cannot be opened: one line, not a traceback
        raise SuasionError(f"--register: cannot open {register!r}: {type(exc).__name__}: "
                           f"{str(exc).splitlines()[0] if str(exc) else ''}") from None
    typer.echo(f"suasion workbench on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
