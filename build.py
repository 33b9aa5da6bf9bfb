"""Build the publication: `python build.py [OPTIONS]` is `envanter build [OPTIONS]`."""

import sys

from envanter.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
