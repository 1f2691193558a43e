"""The CLI reference as Markdown, generated from each command's ``--help`` (the docs build calls
:func:`markdown`; ``python -m frontwatch.faces.cli.reference`` prints it)."""
from __future__ import annotations

import click

from frontwatch.faces.cli import main


def _help(cmd, name: str, parent=None) -> str:
    ctx = click.Context(cmd, info_name=name, parent=parent, max_content_width=100, terminal_width=100)
    return cmd.get_help(ctx)


def markdown() -> str:
    """Every command's ``--help``, in the order ``frontwatch --help`` lists them."""
    root = click.Context(main, info_name="frontwatch", max_content_width=100, terminal_width=100)
    out = ["# CLI reference", "",
           "Generated from `frontwatch COMMAND --help` when the docs are built: what each command and "
           "option does, as the installed version says it.", "",
           "```", main.get_help(root), "```", ""]
    for name in main.list_commands(root):
        cmd = main.get_command(root, name)
        out += [f"## frontwatch {name}", "", "```", _help(cmd, f"frontwatch {name}", root), "```", ""]
        if isinstance(cmd, click.Group):
            sub_ctx = click.Context(cmd, info_name=name, parent=root)
            for sub in cmd.list_commands(sub_ctx):
                out += [f"### frontwatch {name} {sub}", "", "```",
                        _help(cmd.get_command(sub_ctx, sub), f"frontwatch {name} {sub}", root), "```", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown())
