"""portal-gen: static sites for Vietnamese public-disclosure portals ("Thông tin công khai").

The public API for plugin authors; everything else is internal and may change.
"""

from portal_gen.diagnostics import Diagnostic, Severity, suggestion_hint
from portal_gen.hookspecs import hookimpl
from portal_gen.model import (
    Attachment,
    Audience,
    CommentPeriod,
    CommentStatus,
    Document,
    Extension,
    Kind,
    Period,
    Unit,
)
from portal_gen.pages import GeneratedPage, NavEntry, SiteWriter
from portal_gen.portal import Portal
from portal_gen.schema import COMMENT_KEYS, DOCUMENT_KEYS, EXTENSION_KEYS, UNIT_FILE, UNIT_KEYS

__version__ = "0.1.0"

__all__ = [
    "COMMENT_KEYS",
    "DOCUMENT_KEYS",
    "EXTENSION_KEYS",
    "UNIT_FILE",
    "UNIT_KEYS",
    "Attachment",
    "Audience",
    "CommentPeriod",
    "CommentStatus",
    "Diagnostic",
    "Document",
    "Extension",
    "GeneratedPage",
    "Kind",
    "NavEntry",
    "Period",
    "Portal",
    "Severity",
    "SiteWriter",
    "Unit",
    "__version__",
    "hookimpl",
    "suggestion_hint",
]
