"""The `divert` command: Django's management commands plus Divert's own (demo, seed, verify-audit, ...).

Dashes and underscores are interchangeable in command names: `divert verify-audit` runs `verify_audit`.
"""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "divert.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        if argv[1] == "demo":
            # Demo mode must be on before settings load: it decides whether MFA is demanded.
            os.environ.setdefault("DIVERT_DEMO", "1")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    argv[0] = "divert"
    try:
        execute_from_command_line(argv)
    except ImproperlyConfigured as exc:
        # An operator's mistake, not a bug: say what to fix, without a stack trace.
        print(f"divert: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
