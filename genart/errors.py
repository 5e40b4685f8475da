"""The errors genart raises on purpose: every one is a `GenartError`, and its message is one line.

This module is the bottom of genart's layers: the renderers, the optimizers, the motions and the
command line all subclass these, so a caller (the `genart` command, a notebook) catches
`GenartError` alone. A bad setting, option or input file is also a `ValueError`.

Examples
--------
>>> issubclass(SettingsError, ValueError) and issubclass(SettingsError, GenartError)
True
"""


class GenartError(Exception):
    """An error genart raises on purpose (not a bug); the message is one line, the same the command prints."""


class UserError(GenartError, ValueError):
    """A problem with the user's input (a file, an option, a size); its message is one line."""


class SettingsError(UserError):
    """A setting of a method, motion or format that is unknown or out of range (Python API and scripts)."""
