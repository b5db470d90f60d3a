"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): other apps file and read reports."""

from web.open311.routes import router

__all__ = ["router"]
