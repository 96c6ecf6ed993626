#!/usr/bin/env python
"""Django's manage.py; the `mehman` console script is the same entry point."""

from mehman.cli import main

if __name__ == "__main__":
    main()
