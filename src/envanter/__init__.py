"""envanter: publish Turkish public-service inventories (Kamu Hizmet Envanteri) as Linked Open Data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("envanter")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
