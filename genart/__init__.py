"""genart: generative art that moves (command line and YAML scripting)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("genart")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
