"""Every `semillero` command of the project prints its help (argparse formats it)."""

import pytest
from django.core.management import get_commands, load_command_class

PROJECT_COMMANDS = sorted(
    (name, app) for name, app in get_commands().items() if app.startswith("semillero.")
)


def test_the_project_commands_are_found():
    names = {name for name, _ in PROJECT_COMMANDS}
    assert {"demo", "serve", "import", "createuser"} <= names


@pytest.mark.parametrize(("name", "app"), PROJECT_COMMANDS)
def test_help_is_printable(name, app):
    parser = load_command_class(app, name).create_parser("semillero", name)
    assert name in parser.format_help()
