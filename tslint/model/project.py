"""The user's project: which file a dotted name imported from the project lives in, parsed once.

torch.jit.script compiles what a module's forward reaches wherever it is defined: `from .blocks import
Block`, `from models.layers import helper`, `import models.utils as U` all name code in other files of
the same package. A Project resolves such names to the FileModel of the file that defines them
(following re-exports through `__init__.py`), parsing each file once per content. Names outside the
project (torch, numpy, anything not found under the project's import roots) resolve to None, and are
left to the rules as today. Nothing is read until a name needs it, so a file that imports nothing from
its project costs a few directory lookups.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

import libcst as cst

if TYPE_CHECKING:
    from tslint.model.regions import ClassInfo, FileModel

# Files larger than this are not followed (generated code; the engine cuts such files down itself).
MAX_FOLLOWED_BYTES = 4_000_000
# Re-exports followed through at most this many `__init__.py` / alias hops (a cycle stops here).
MAX_HOPS = 8
ROOT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git")

Resolved = Union["ClassInfo", cst.FunctionDef]


def project_root(path: Path) -> Path:
    """The nearest directory above `path` with pyproject.toml / setup.py / setup.cfg / .git (as the
    confirm stage finds it), else the file's own directory."""
    for directory in path.parents:
        if any((directory / marker).exists() for marker in ROOT_MARKERS):
            return directory
    return path.parent


def package_root(path: Path) -> Path:
    """The directory above the file's outermost regular package: absolute imports start there."""
    directory = path.parent
    while (directory / "__init__.py").exists() and directory.parent != directory:
        directory = directory.parent
    return directory


class Project:
    """Every project file one run has needed, parsed once per content (shared by the files a process checks)."""

    def __init__(self) -> None:
        self._models: dict[str, tuple[str, Optional["FileModel"]]] = {}  # path -> (content digest, model)
        self._roots: dict[str, tuple[Path, ...]] = {}  # directory -> import roots
        self._exists: dict[str, bool] = {}
        self._stamps: dict[str, tuple[int, int]] = {}  # path -> (mtime, size) when last read
        self.reading: Optional[dict[str, str]] = None  # path -> digest of each file the current analysis read
        # what the engine keeps per project file for the process (the rules' walk of its regions)
        self.memo: dict = {}
        self.looked_up = False  # whether a name was looked for in a project file (model was called)

    # --- files ------------------------------------------------------------------------------------

    def register(self, path: str, model: "FileModel", digest: str = "") -> None:
        """The file being analysed, parsed by the caller (its bytes may not be on disk yet: an editor)."""
        key = os.path.abspath(path)
        self._models[key] = (digest, model)
        try:
            stat = os.stat(key)
            self._stamps[key] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            self._stamps.pop(key, None)

    def parsed(self, path: str, digest: str) -> Optional[cst.Module]:
        """The tree of the file at `path` when it was parsed with this content (an importer read it)."""
        known = self._models.get(os.path.abspath(path))
        return known[1].module if known is not None and known[0] == digest and known[1] is not None else None

    def model(self, path: str) -> Optional["FileModel"]:
        """The FileModel of the project file at `path` (None when it cannot be read or parsed)."""
        from tslint.model.regions import FileModel

        self.looked_up = True
        key = os.path.abspath(path)
        known = self._models.get(key)
        if known is not None and known[0] == "":
            return known[1]  # the file being analysed
        try:
            stat = os.stat(key)
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        if known is not None and self._stamps.get(key) == stamp:
            # unchanged since it was read (a stat, not a read and a hash, per name resolved)
            if self.reading is not None:
                self.reading[key] = known[0]
                if known[1] is not None:
                    self.reading.update(known[1].read)
            return known[1]
        try:
            with open(key, "rb") as stream:
                source = stream.read(MAX_FOLLOWED_BYTES + 1)
        except OSError:
            return None
        digest = hashlib.sha256(source).hexdigest()
        self._stamps[key] = stamp
        if self.reading is not None:
            self.reading[key] = digest
        if known is not None and known[0] == digest:
            if known[1] is not None and self.reading is not None:
                self.reading.update(known[1].read)
            return known[1]
        model = None
        if len(source) <= MAX_FOLLOWED_BYTES:
            try:
                module = cst.parse_module(source)
            except Exception:  # a file that does not parse is not followed; its own check says why
                module = None
            if module is not None:
                self._models[key] = (digest, None)  # a cycle of imports stops at the file being built
                outer, self.reading = self.reading, {}
                try:
                    model = FileModel(module, project=self, path=key)
                finally:
                    model_read, self.reading = self.reading, outer
                if model is not None:
                    model.read = model_read
                    if outer is not None:
                        outer.update(model_read)
        self._models[key] = (digest, model)
        return model

    def _is_file(self, path: Path) -> bool:
        key = str(path)
        if key not in self._exists:
            self._exists[key] = path.is_file()
        return self._exists[key]

    def import_roots(self, path: str) -> tuple[Path, ...]:
        directory = os.path.dirname(os.path.abspath(path))
        if directory not in self._roots:
            file = Path(os.path.abspath(path))
            self._roots[directory] = tuple(dict.fromkeys((package_root(file), project_root(file))))
        return self._roots[directory]

    def module_file(self, dotted: str, roots: tuple[Path, ...]) -> Optional[Path]:
        """`models.blocks` -> roots/models/blocks.py or roots/models/blocks/__init__.py."""
        parts = dotted.split(".")
        if not all(part.isidentifier() for part in parts):
            return None
        for root in roots:
            base = root.joinpath(*parts)
            for candidate in (base.with_name(parts[-1] + ".py"), base / "__init__.py"):
                if self._is_file(candidate):
                    return candidate
        return None

    # --- names ------------------------------------------------------------------------------------

    def absolute(self, qualified: str, importer: str) -> Optional[tuple[str, tuple[Path, ...]]]:
        """A qualified name as the importing file's Symbols spell it, made absolute: `.blocks.Block`
        (relative to the importer's package) -> ("blocks.Block", (its package directory,))."""
        if not qualified.startswith("."):
            return qualified, self.import_roots(importer)
        dots = len(qualified) - len(qualified.lstrip("."))
        directory = Path(os.path.abspath(importer)).parent
        for _ in range(dots - 1):
            directory = directory.parent
        rest = qualified[dots:]
        return (rest, (directory,)) if rest else None

    def resolve(self, qualified: Optional[str], importer: str, hops: int = 0) -> Optional[tuple["FileModel", Resolved]]:
        """The project class or function `qualified` (as `importer`'s Symbols qualify it) names, with
        the model of the file that defines it; None for names outside the project."""
        if not qualified or hops > MAX_HOPS:
            return None
        made = self.absolute(qualified, importer)
        if made is None:
            return None
        name, roots = made
        parts = name.split(".")
        # the longest prefix that is a project module; the rest is a name defined (or re-exported) there
        for cut in range(len(parts) - 1, 0, -1):
            file = self.module_file(".".join(parts[:cut]), roots)
            if file is None:
                continue
            model = self.model(str(file))
            if model is None:
                return None
            return self._lookup(model, parts[cut:], hops)
        return None

    def _lookup(self, model: "FileModel", names: list[str], hops: int) -> Optional[tuple["FileModel", Resolved]]:
        head = names[0]
        if len(names) == 1:
            if head in model.classes:
                return model, model.classes[head]
            if head in model.functions:
                return model, model.functions[head]
        # a re-export (`from .blocks import Block` in __init__.py) or a submodule of a package
        alias = model.symbols.aliases.get(head)
        if alias is not None and alias != head:
            return self.resolve(".".join([alias, *names[1:]]), model.path, hops + 1)
        if os.path.basename(model.path) == "__init__.py":
            return self.resolve("." + ".".join(names), model.path, hops + 1)
        return None
