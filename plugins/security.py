"""The Content-Security-Policy as a <meta> tag, for hosts that cannot send headers.

GitHub Pages and most shared hosts cannot add response headers. ``security: {csp_meta:
true}`` puts portal_gen.safety.STRICT_CSP in every page's <head> instead (browsers ignore
``frame-ancestors`` there; the rest applies). Hosts that can send headers should send the
header (docs/deploy.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal_gen import Portal, hookimpl
from portal_gen.safety import STRICT_CSP


@hookimpl
def portal_site_context(portal: Portal) -> Mapping[str, Any]:
    if not portal.config.option("security", "csp_meta", False):
        return {}
    # frame-ancestors is not allowed in a meta policy; browsers would warn about it
    policy = "; ".join(p for p in STRICT_CSP.split("; ") if not p.startswith("frame-ancestors"))
    return {"csp_meta": policy}
