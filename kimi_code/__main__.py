"""`python -m kimi_code` runs the command-line interface."""

from kimi_code.cli.main import main

raise SystemExit(main())
