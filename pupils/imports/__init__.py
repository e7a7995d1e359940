"""Imports from outside systems: the SSDA903 social-care extract and GIAS schools."""

from pupils.imports.services import (
    ImportNotWaiting,
    UnreadableFile,
    file_specs,
    import_check,
    import_commit,
    import_discard,
    import_from_paths,
    import_read_file,
)

__all__ = [
    "ImportNotWaiting",
    "UnreadableFile",
    "file_specs",
    "import_check",
    "import_commit",
    "import_discard",
    "import_from_paths",
    "import_read_file",
]
