"""Required categories of "Thông tin công khai": checks, compliance pages and the quarterly list.

Checks (each a Diagnostic with a stable code; severity configurable in mkdocs.yml):
``unknown-category``, ``category-not-for-unit``, ``missing-category``, ``outdated-category``,
``late-publication``, ``comment-too-short``, ``invalid-form``.

Pages: one portal-wide matrix (units × categories) for supervisors, one compliance page per
unit, and per unit the list of what was disclosed each quarter with its forms and dates
(Art. 13(2)), with a CSV per quarter.
"""

from .checks import (
    portal_check_document,
    portal_check_portal,
    portal_front_matter_keys,
)
from .files import portal_write_files
from .forms import FORMS
from .pages import portal_document_context, portal_generate_pages, portal_unit_context

__all__ = [
    "FORMS",
    "portal_check_document",
    "portal_check_portal",
    "portal_document_context",
    "portal_front_matter_keys",
    "portal_generate_pages",
    "portal_unit_context",
    "portal_write_files",
]
