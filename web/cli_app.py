"""The application a command of ``govflow`` runs in: all of it, or the database only."""

from __future__ import annotations

import click
from flask import Flask

from . import create_app, database_app


class DatabaseCommand(click.Command):
    """A command that needs only the settings and the database, and so runs in
    ``database_app``: it starts without the pages, the translations and the domain's script
    helpers. Only for commands that neither run a diagram nor check a role's scope (the
    domain registers both with the engine in ``create_app``)."""


def app_for_command() -> Flask:
    """The app of the command being run; FlaskGroup calls this as the command starts."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and isinstance(ctx.command, DatabaseCommand):
        return database_app()
    return create_app()
