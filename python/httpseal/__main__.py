"""``python -m httpseal``: the ``httpseal`` command."""

from httpseal.cli import main

raise SystemExit(main())
