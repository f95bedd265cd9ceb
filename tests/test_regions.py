"""Which code TorchScript compiles: only that is checked, and each finding says why."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from tslint.checks import rule_by_id
from tslint.engine.analyse import check_source


def expand(source: str) -> str:
    """Dedent, and replace each line that says TRY with a try block at that indentation."""
    out = []
    for line in textwrap.dedent(source).splitlines():
        if line.strip() == "TRY":
            pad = line[: len(line) - len(line.lstrip())]
            out += [f"{pad}try:", f"{pad}    pass", f"{pad}except Exception:", f"{pad}    pass"]
        else:
            out.append(line)
    return "\n".join(out) + "\n"


def findings(source: str):
    result = check_source(expand(source).encode(), "m.py", [rule_by_id("TS101")])
    assert not result.errors
    return result.findings




def test_import_aliases_and_indirect_subclasses():
    for header, base in [
        ("import torch.nn as nn", "nn.Module"),
        ("from torch import nn", "nn.Module"),
        ("from torch.nn import Module", "Module"),
        ("import torch", "torch.nn.Module"),
        ("import torch.nn as tnn", "tnn.Sequential"),
    ]:
        code = f"""
        {header}
        import torch

        class Base({base}):
            pass

        class Net(Base):
            def forward(self, x):
                TRY
                return x
        """
        assert [f.context for f in findings(code)] == ["Net.forward"], header


def test_plain_classes_and_uncalled_helpers_are_not_checked():
    code = """
    import torch

    class NotAModule:
        def forward(self, x):
            TRY

    def unused_helper(x):
        TRY

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            TRY

        def forward(self, x):
            return x

        def other(self, x):
            TRY
    """
    assert findings(code) == []


def test_reachability_and_why():
    code = """
    import torch

    def helper(x):
        TRY
        return x

    class Net(torch.nn.Module):
        def forward(self, x):
            return self.body(x)

        def body(self, x):
            return helper(x)

        @torch.jit.export
        def exported(self, x):
            TRY
            return x

    @torch.jit.script
    def scripted(x):
        TRY
        return x
    """
    contexts = sorted(f.context for f in findings(code))
    assert contexts == [
        "Net.exported",
        "helper, reached from Net.body via helper()",
        "scripted",
    ]


def test_ignored_and_unused_methods_are_skipped():
    code = """
    import torch

    class Net(torch.nn.Module):
        def forward(self, x):
            return self.slow(x) + self.unused(x)

        @torch.jit.ignore
        def slow(self, x):
            TRY
            return x

        @torch.jit.unused
        def unused(self, x):
            TRY
            return x
    """
    assert findings(code) == []


def test_eager_only_branches_are_still_parsed_but_not_compiled():
    # torch parses the whole function before it drops the branch, so syntax there is still
    # rejected (proven: `if not torch.jit.is_scripting(): try: ...` fails to script), while what the
    # dropped branch calls is never compiled.
    code = """
    import torch

    class Net(torch.nn.Module):
        def forward(self, x):
            if not torch.jit.is_scripting():
                return self.eager_only(x)
            if torch.jit.is_scripting():
                pass
            else:
                TRY
            return x

        def eager_only(self, x):
            TRY
            return x
    """
    assert [(f.line, f.context) for f in findings(code)] == [(11, "Net.forward")]


def test_static_stage_never_imports_torch(tmp_path):
    model = tmp_path / "m.py"
    model.write_text(expand("""
    import torch
    class Net(torch.nn.Module):
        def forward(self, x):
            TRY
            return x
    """))
    probe = (
        "import sys; from tslint.engine.analyse import check_source; "
        f"r = check_source(open({str(model)!r}, 'rb').read(), 'm.py'); "
        "assert r.findings, r; assert 'torch' not in sys.modules, 'torch imported'; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def test_code_after_a_scripting_only_raise_is_not_compiled():
    # torch drops what follows `if torch.jit.is_scripting(): raise ...` (timm's densenet relies on it);
    # syntax there is still parsed, so only what it calls is skipped.
    code = """
    import torch

    class Net(torch.nn.Module):
        def forward(self, x):
            if torch.jit.is_scripting():
                raise RuntimeError("not in TorchScript")
            return self.eager_only(x)

        def eager_only(self, x):
            TRY
            return x
    """
    assert findings(code) == []


def test_branches_on_final_flags_hold_only_syntax_findings(tmp_path):
    """torch folds `if self.flag:` on a Final attribute and compiles only the branch the instance takes
    (timm's FastViT: `getattr(self, f"norm{idx}")` under `if self.fork_feat:` scripts), but it parses
    both: syntax findings stay, the others go. torch's verdict on the model is checked below."""
    source = textwrap.dedent('''
        from typing import Final

        import torch
        from torch import nn


        class Model(nn.Module):
            fork: Final[bool]
            __constants__ = ["split"]

            def __init__(self, fork: bool = False, split: bool = False):
                super().__init__()
                self.fork = fork
                self.split = split
                self.norm0 = nn.Identity()

            def forward(self, x):
                if self.fork:
                    x = getattr(self, f"norm{0}")(x)
                if not self.split:
                    pass
                else:
                    x = getattr(self, f"norm{0}")(x)
                if self.training:
                    x = getattr(self, f"norm{0}")(x)  # a plain attribute: compiled
                if self.fork:
                    y = [v for v in [x] if v is not None]
                return x
    ''')
    result = check_source(source.encode(), "m.py")
    found = {(f.line, f.rule) for f in result.findings}
    lines = source.splitlines()
    training_getattr = next(i for i, line in enumerate(lines, 1) if "a plain attribute" in line)
    comprehension = next(i for i, line in enumerate(lines, 1) if "v for v" in line)
    assert found == {(training_getattr, "TS407"), (comprehension, "TS107")}
    path = tmp_path / "model.py"
    path.write_text(source.replace("        if self.training:\n            x = getattr(self, f\"norm{0}\")(x)  # a plain attribute: compiled\n", "")
                    .replace("        if self.fork:\n            y = [v for v in [x] if v is not None]\n", ""))
    verdict = subprocess.run([sys.executable, "tests/judge.py", str(path)], capture_output=True, text=True, timeout=300)
    assert '"accepted": true' in verdict.stdout, verdict.stdout + verdict.stderr


def test_an_and_with_not_is_scripting_is_false_whatever_the_other_operand(tmp_path):
    # `if self.flag and not torch.jit.is_scripting():` (timm's checkpointing) and `... or
    # torch.jit.is_scripting()`: torch drops the eager branch even when the other operand is not a
    # constant, so what only that branch calls is not compiled (torch 2.13 scripts this)
    source = textwrap.dedent("""
        import torch
        from torch import nn


        def eager(x):
            try:
                return x.relu()
            except RuntimeError:
                return x


        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.flag = True

            def forward(self, x):
                if self.flag and not torch.jit.is_scripting():
                    x = eager(x)
                if x.sum() > 0 or torch.jit.is_scripting():
                    return x
                return eager(x)


        torch.jit.script(Net())
        """)
    (tmp_path / "m.py").write_text(source)
    done = subprocess.run([sys.executable, "-W", "ignore", str(tmp_path / "m.py")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert findings(source) == []
    assert [f.line for f in findings(source.replace("self.flag and not", "not"))] == []
    assert [f.line for f in findings(source.replace(" and not torch.jit.is_scripting()", ""))] == [7]


def test_a_forward_bound_in_init_is_compiled(tmp_path):
    # torch.jit.script compiles what the instance's forward is bound to: types.MethodType(fn, self)
    # or a method of the class (torch 2.13 rejects A, D and E for the try block; B scripts)
    source = textwrap.dedent("""
        import types

        import torch
        from torch import nn


        def fwd(self, x):
            try:
                return x
            except Exception:
                return x


        def fwd_ok(self, x):
            return x + 1


        class A(nn.Module):
            def __init__(self):
                super().__init__()
                self.forward = types.MethodType(fwd, self)


        class B(nn.Module):
            def __init__(self):
                super().__init__()
                self.forward = types.MethodType(fwd_ok, self)


        class D(nn.Module):
            def __init__(self, fast: bool = True):
                super().__init__()
                self.forward = self._impl if fast else fwd_ok

            def _impl(self, x):
                try:
                    return x
                except Exception:
                    return x


        for cls in (A, B, D):
            try:
                torch.jit.script(cls())
                print(cls.__name__, "scripted")
            except Exception:
                print(cls.__name__, "rejected")
        """)
    (tmp_path / "m.py").write_text(source)
    done = subprocess.run([sys.executable, "-W", "ignore", str(tmp_path / "m.py")], capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["A", "rejected", "B", "scripted", "D", "rejected"], done.stdout + done.stderr[-2000:]
    assert [(f.line, f.context) for f in findings(source)] == [(9, "A.forward"), (37, "D.forward")]


def test_module_properties_are_compiled(tmp_path):
    # torch.jit.script compiles every @property of a module, its setter and those of a plain base
    # class, unless __jit_unused_properties__ names it or its getter is @torch.jit.unused
    # (torch 2.13 rejects A, B and C for the try block; D and E script)
    source = textwrap.dedent("""
        import torch
        from torch import nn


        class Mixin:
            @property
            def size(self) -> int:
                try:
                    return 1
                except Exception:
                    return 2


        class A(nn.Module):
            @property
            def scale(self) -> int:
                try:
                    return 1
                except Exception:
                    return 2

            def forward(self, x):
                return x


        class B(nn.Module):
            def __init__(self):
                super().__init__()
                self._n = 1

            @property
            def n(self) -> int:
                return self._n

            @n.setter
            def n(self, value: int):
                try:
                    self._n = value
                except Exception:
                    pass

            def forward(self, x):
                return x


        class C(Mixin, nn.Module):
            def forward(self, x):
                return x


        class D(nn.Module):
            __jit_unused_properties__ = ["scale"]

            @property
            def scale(self) -> int:
                try:
                    return 1
                except Exception:
                    return 2

            def forward(self, x):
                return x


        class E(nn.Module):
            @property
            @torch.jit.unused
            def scale(self) -> int:
                try:
                    return 1
                except Exception:
                    return 2

            def forward(self, x):
                return x


        for cls in (A, B, C, D, E):
            try:
                torch.jit.script(cls())
                print(cls.__name__, "scripted")
            except Exception:
                print(cls.__name__, "rejected")
        """)
    (tmp_path / "m.py").write_text(source)
    done = subprocess.run([sys.executable, "-W", "ignore", str(tmp_path / "m.py")], capture_output=True, text=True, timeout=300)
    assert done.stdout.split() == ["A", "rejected", "B", "rejected", "C", "rejected", "D", "scripted", "E", "scripted"], \
        done.stdout + done.stderr[-2000:]
    assert [(f.line, f.context) for f in findings(source)] == [(9, "Mixin.size"), (18, "A.scale"), (38, "B.n")]
