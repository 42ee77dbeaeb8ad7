"""The Flask application: pages for participants, process owners and managers, and the API.

``create_app`` builds all of it; ``database_app`` only the settings and the database, for the
commands of ``govflow`` that need no more. The pages, SpiffWorkflow and the domain are imported
inside ``create_app`` so that importing this package (as ``govflow`` does) stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from .config import Config, _secret_key


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    from werkzeug.middleware.proxy_fix import ProxyFix

    import workflows

    from . import (
        auth,
        errors,
        health,
        i18n,
        inbox,
        oversight,
        participants,
        processes,
        security_headers,
    )

    app = database_app(test_config)
    if app.config["PROXY_COUNT"]:  # the client's address and HTTPS as the proxy saw them
        hops = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    workflows.init_app(app)
    app.register_blueprint(health.bp)
    i18n.init_app(app)
    auth.init_app(app)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(processes.bp)
    app.register_blueprint(oversight.bp)
    app.register_blueprint(participants.bp)
    errors.init_app(app)
    security_headers.init_app(app)
    return app


def database_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """The settings and the database, nothing else: no pages, no domain helpers registered
    with the script engine, no translations. Enough for a command that only reads or migrates
    the database (``govflow users``), and much quicker to build than ``create_app``."""
    from . import database

    app = Flask(__name__)
    app.config.from_object(Config)
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key()
    database.init_app(app)
    return app
