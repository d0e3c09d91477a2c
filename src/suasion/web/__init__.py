"""The web workbench: ``suasion serve`` (see :func:`suasion.web.app.create_app`)."""
