"""Theme files shipped with portal-gen (``portal/``: Material overrides, partials and assets).

Installed as the package ``portal_gen.themes`` so the templates travel inside the wheel.
"""

from pathlib import Path

#: The folder the MkDocs adapter adds to the theme's template search path.
THEME_DIR = Path(__file__).resolve().parent / "portal"
