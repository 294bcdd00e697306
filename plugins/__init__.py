"""portal-gen's built-in plugins, installed as ``portal_gen.plugins``.

Each module is one feature and is registered exactly like a third-party plugin (see
``portal_gen.plugin_manager.BUILTIN_PLUGINS``); it imports only ``portal_gen``'s public API.
"""
