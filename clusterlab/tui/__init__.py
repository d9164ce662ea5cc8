"""The Textual cockpit over a simulated cluster. ``make_app(lab).run()`` starts it."""

from .app import ClusterLabApp, make_app

__all__ = ["ClusterLabApp", "make_app"]
