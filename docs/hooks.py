"""MkDocs hooks: pages generated at build time, so they never go stale.

- ``cli.md``: every command's ``--help`` (frontwatch.faces.cli.reference);
- ``changelog.md``: the repository's CHANGELOG.md.
"""
from pathlib import Path

from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]


def on_files(files, config):
    from frontwatch.faces.cli.reference import markdown

    files.append(File.generated(config, "cli.md", content=markdown()))
    files.append(File.generated(config, "changelog.md", content=(ROOT / "CHANGELOG.md").read_text(encoding="utf-8")))
    return files
