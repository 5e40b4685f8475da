"""The error type every command turns into one line on stderr and a non-zero exit."""


class UserError(Exception):
    """A problem with the user's input (file, option, size); its message is one line."""
