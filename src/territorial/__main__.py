"""``python -m territorial``: the same as the ``territorial`` command."""

from territorial.cli import main

if __name__ == "__main__":
    main()
