"""TS3xx on the cases where a naive checker goes wrong (REALWORLD.md), each checked against torch."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from tslint.checks import all_rules
from tslint.engine.analyse import check_source
from tests.conftest import ROOT

TS3 = [rule for rule in all_rules() if rule.family == "attributes"]


def _fields_head(construction: str) -> str:
    """A Head whose `fields` layer only `num_fields != 0` adds, built by the file as `construction`."""
    return '''
        class Head(nn.Module):
            def __init__(self, c: int = 4, num_fields: int = 0, output: str = "sum"):
                super().__init__()
                self.num_fields = num_fields
                if num_fields != 0:
                    self.fields = nn.Linear(c, c)
                if output == "sum":
                    self.out = nn.Linear(c, c)
                else:
                    self.out = nn.Identity()

            def forward(self, x):
                if self.num_fields != 0:
                    x = self.fields(x)
                return self.out(x)

        class Model(nn.Module):
            def __init__(self, c: int = 4):
                super().__init__()
                self.head = ''' + construction + '''

            def forward(self, x):
                return self.head(x)
    '''


def _relu_block(construction: str, final: bool = False) -> str:
    """A Block whose `relu` only `not no_relu` adds, read under `if not self.no_relu:`, built by the
    file's Model as `construction`."""
    return '''
        from typing import Final

        class Block(nn.Module):
            ''' + ("no_relu: Final[bool]" if final else "") + '''

            def __init__(self, c: int = 4, no_relu: bool = False):
                super().__init__()
                self.no_relu = no_relu
                if not no_relu:
                    self.relu = nn.ReLU()

            def forward(self, x):
                if not self.no_relu:
                    x = self.relu(x)
                return x

        class Model(nn.Module):
            def __init__(self, c: int = 4, no_relu: bool = False):
                super().__init__()
                self.a = Block(c)
                self.b = ''' + construction + '''

            def forward(self, x):
                return self.b(self.a(x))
    '''


QUIET = {
    # set on both branches
    "both_branches": """
        class Model(nn.Module):
            def __init__(self, c: int = 4, bn: bool = False):
                super().__init__()
                if bn:
                    self.norm = nn.BatchNorm2d(c)
                else:
                    self.norm = nn.Identity()

            def forward(self, x):
                return self.norm(x)
    """,
    # judged by the last assignment
    "rebuilt_list": """
        class Model(nn.Module):
            def __init__(self, c: int = 4):
                super().__init__()
                self.net = [nn.Linear(c, c), nn.ReLU()]
                self.net = nn.Sequential(*self.net)

            def forward(self, x):
                return self.net(x)
    """,
    # torch drops the rest of forward when reparam exists (timm's byobnet pattern)
    "none_guarded_early_return": """
        class Model(nn.Module):
            def __init__(self, c: int = 4, inference: bool = False):
                super().__init__()
                if inference:
                    self.reparam = nn.Linear(c, c)
                else:
                    self.reparam = None
                    self.a = nn.Linear(c, c)

            def forward(self, x):
                if self.reparam is not None:
                    return self.reparam(x)
                return self.a(x)
    """,
    # an if/elif chain that assigns in every branch
    "exhaustive_chain": """
        class Model(nn.Module):
            def __init__(self, size: int = 12):
                super().__init__()
                if size == 12:
                    self.proj = nn.Linear(4, 4)
                elif size == 16:
                    self.proj = nn.Linear(4, 4)

            def forward(self, x):
                return self.proj(x)
    """,
    # literal indices and slices of a ModuleList
    "literal_index": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.layers = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 4)])

            def forward(self, x):
                return self.layers[-1](self.layers[0](x))
    """,
    # the file builds the class passing the parameter that decides the layer
    "deciding_parameter_passed": _fields_head("Head(c, num_fields=2, output=\"mean\")"),
    # the defaults raise, so the instance the file builds (passing mode=) has the layer use_x adds
    "defaults_raise": """
        class Head(nn.Module):
            def __init__(self, c: int = 4, mode=None, use_x: bool = True):
                super().__init__()
                self.use_x = use_x
                if mode is None:
                    raise ValueError("mode")
                if use_x:
                    self.x = nn.Linear(c, c)

            def forward(self, x):
                if self.use_x:
                    x = self.x(x)
                return x


        class Model(nn.Module):
            def __init__(self, c: int = 4):
                super().__init__()
                self.head = Head(c, mode="a")

            def forward(self, x):
                return self.head(x)
    """,
    # the parameter is rebound before the test, so its default no longer decides it
    "rebound_default": """
        class Model(nn.Module):
            def __init__(self, c: int = 4, stride: int = 1):
                super().__init__()
                stride = stride * 2
                self.stride = stride
                if stride != 1:
                    self.down = nn.Conv2d(c, c, 1, stride)

            def forward(self, x):
                if self.stride != 1:
                    x = self.down(x)
                return x
    """,
}

QUIET.update({
    # the file builds it only with arguments that set the layer, or with one it cannot read
    "built_with_the_layer": _relu_block("Block(c, no_relu=False)"),
    "built_with_a_variable": _relu_block("Block(c, no_relu=no_relu)"),
    # a Final flag: torch drops the branch for the instance without the layer
    "final_flag_built_without": _relu_block("Block(c, no_relu=True)", final=True),
    # `== True` on a default that sets the layer
    "bool_compared_true_by_default": """
        class Model(nn.Module):
            def __init__(self, c: int = 4, conditional: bool = True):
                super().__init__()
                self.conditional = conditional
                if conditional == True:
                    self.dense = nn.Linear(c, c)

            def forward(self, x):
                if self.conditional == True:
                    x = self.dense(x)
                return x
    """,
})

# Reads under a plain attribute test that the constructor's int / str defaults leave without
# the layer: torch compiles the branch, so the default instance fails.
FLAGGED = {
    "int_defaults_compared": """
        class Model(nn.Module):
            def __init__(self, c_in: int = 8, c_out: int = 8):
                super().__init__()
                self.c_in = c_in
                self.c_out = c_out
                if self.c_in != self.c_out:
                    self.proj = nn.Conv2d(c_in, c_out, 1)

            def forward(self, x):
                if self.c_in != self.c_out:
                    x = self.proj(x)
                return x
    """,
    # the file passes only a parameter that does not decide the layer: still built without it
    "other_parameter_passed": _fields_head("Head(c, output=\"mean\")"),
    # a variable passed for the deciding parameter may be the default's value (here it is): torch compiles
    # the guarded branch for every instance, so the read is reported, not left to the calls
    "deciding_parameter_passed_as_variable": _fields_head("Head(c, num_fields=c - 4)"),
    # an `if` that only raises decides whether there is an instance, not whether it has the layer
    "raising_check_of_other_parameter": """
        class Head(nn.Module):
            def __init__(self, c: int = 4, num_fields=None, output: str = "sum"):
                super().__init__()
                self.output = output
                if output not in ["sum", "mean"]:
                    raise ValueError(output)
                if num_fields is not None:
                    self.fields = nn.Linear(c, c)

            def forward(self, x):
                if self.output == "mean":
                    return self.fields(x)
                return x


        class Model(nn.Module):
            def __init__(self, c: int = 4):
                super().__init__()
                self.head = Head(c, output="mean")

            def forward(self, x):
                return self.head(x)
    """,
    # a call of the file builds an instance without it (reported at the call)
    "built_without_by_a_call": _relu_block("Block(c, no_relu=True)"),
    "int_literal_ordered": """
        class Ghost(nn.Module):
            def __init__(self, c, stride):
                super().__init__()
                self.stride = stride
                if self.stride > 1:
                    self.conv_dw = nn.Conv2d(c, c, 3, stride=stride, padding=1, groups=c)

            def forward(self, x):
                if self.stride > 1:
                    x = self.conv_dw(x)
                return x

        class Model(nn.Module):
            def __init__(self, c: int = 4):
                super().__init__()
                self.down = Ghost(c, 2)
                self.same = Ghost(c, 1)

            def forward(self, x):
                return self.same(self.down(x))
    """,
    "bool_compared_with_literal": """
        class Model(nn.Module):
            def __init__(self, c: int = 4, conditional: bool = False):
                super().__init__()
                self.conditional = conditional
                if conditional == True:
                    self.dense = nn.Linear(c, c)

            def forward(self, x):
                if self.conditional == False:
                    return x
                return self.dense(x)
    """,
    "str_default_compared": """
        class Model(nn.Module):
            def __init__(self, c: int = 4, pooling: str = "avg", stride: int = 1):
                super().__init__()
                self.pooling = pooling
                if pooling == "att" or stride != 1:
                    self.att = nn.Conv2d(c, 1, 1)

            def forward(self, x):
                if self.pooling == "att":
                    x = self.att(x)
                return x
    """,
}


def _checked_then_judged(tmp_path, cases: dict[str, str], rules: list[str]) -> list[dict]:
    """Each case as a file: TS3xx reports exactly `rules` on it; then torch's verdict per file
    (tests/judge.py scripts every module with its default constructor)."""
    paths = []
    for name, body in cases.items():
        path = tmp_path / f"{name}.py"
        path.write_text("import torch\nfrom torch import nn\n" + textwrap.dedent(body))
        assert [f.rule for f in check_source(path.read_bytes(), str(path), TS3).findings] == rules, name
        paths.append(str(path))
    result = subprocess.run([sys.executable, str(ROOT / "tests" / "judge.py"), *paths], capture_output=True, text=True)
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(verdicts) == len(paths)
    return verdicts


def test_flagged_where_defaults_leave_the_attribute_out(tmp_path):
    verdicts = _checked_then_judged(tmp_path, FLAGGED, ["TS301"])
    assert all(not v["accepted"] and "has no attribute" in v["error"] for v in verdicts), verdicts


def test_quiet_where_torch_accepts(tmp_path):
    # and torch agrees: every one of them scripts with its default constructor
    verdicts = _checked_then_judged(tmp_path, QUIET, [])
    assert all(v["accepted"] for v in verdicts), [v["error"][:200] for v in verdicts if not v["accepted"]]


def test_labelled_corpus_lines_are_exactly_the_ts3_findings():
    path = ROOT / "bench" / "corpus" / "attributes_cases.py"
    labelled = {n for n, line in enumerate(path.read_text().splitlines(), 1) if "# error: TS3" in line}
    found = {f.line for f in check_source(path.read_bytes(), str(path), TS3).findings}
    assert found == labelled


# TS304 on values torch cannot convert that the source shows only indirectly: each case's attribute
# is read by forward, and torch rejects it with "Module has no attribute" (torch 2.13).
TS304_FLAGGED = {
    "list_filled_in_forward": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.acts = []

            def forward(self, x):
                self.acts.clear()
                self.acts.append(x)
                return x
    """,
    "dict_filled_in_forward": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.seen = {}

            def forward(self, x):
                self.seen["x"] = x
                return x
    """,
    "modules_appended_to_attribute": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.convs = []
                for _ in range(2):
                    self.convs.append(nn.Linear(4, 4))

            def forward(self, x):
                for conv in self.convs:
                    x = conv(x)
                return x
    """,
    "local_list_of_modules": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                layers = list()
                for _ in range(2):
                    layers.append(nn.Linear(4, 4))
                self.net = nn.Sequential(*layers)
                self.layers = layers

            def forward(self, x):
                for layer in self.layers:
                    x = layer(x)
                return x
    """,
    "list_of_registered_submodules": """
        def block(c: int) -> nn.Module:
            return nn.Sequential(nn.Linear(c, c), nn.ReLU())

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = block(4)
                self.b = nn.Linear(4, 4)
                self.blocks = [self.a, self.b]

            def forward(self, x):
                for b in self.blocks:
                    x = b(x)
                return x
    """,
    "ordered_dict_of_modules": """
        from collections import OrderedDict

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.convs = OrderedDict()
                for i in range(2):
                    self.convs["up", i] = nn.Linear(4, 4)
                self.decoder = nn.ModuleList(list(self.convs.values()))

            def forward(self, x):
                return self.convs["up", 0](x)
    """,
    "registered_locals_appended": """
        class Model(nn.Module):
            def __init__(self, length: int = 2):
                super().__init__()
                self.layers = []
                for i in range(length):
                    layer = nn.Linear(4, 4)
                    self.add_module(f"tower{i}", layer)
                    self.layers.append(layer)

            def forward(self, x):
                for layer in self.layers:
                    x = layer(x)
                return x
    """,
    "set_of_ints": """
        class Model(nn.Module):
            def __init__(self, layers=(2, 3)):
                super().__init__()
                self.fuse = set(layers)

            def forward(self, x):
                if 2 in self.fuse:
                    return x + 1
                return x
    """,
    "bound_method": """
        class Model(nn.Module):
            def __init__(self, causal: bool = False):
                super().__init__()
                self.pad = self._left if causal else self._same

            def _left(self, x):
                return x + 1

            def _same(self, x):
                return x + 2

            def forward(self, x):
                return self.pad(x)
    """,
}

TS304_QUIET = {
    # filled by a helper __init__ calls, before torch converts it
    "list_filled_by_init_helper": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.offsets = []
                self._fill()

            def _fill(self):
                self.offsets.append(1)

            def forward(self, x):
                return x + self.offsets[0]
    """,
    # torch converts only the attributes compiled code reads
    "unread_list_of_submodules": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.a = nn.Linear(4, 4)
                self.blocks = [self.a]

            def forward(self, x):
                return self.a(x)
    """,
    "unread_dict_of_modules": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.convs = {}
                self.convs["a"] = nn.Linear(4, 4)
                self.decoder = nn.ModuleList(list(self.convs.values()))

            def forward(self, x):
                return self.decoder[0](x)
    """,
    "method_called_directly": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.pad = self._same

            def _same(self, x):
                return x + 2

            def forward(self, x):
                return self._same(x)
    """,
    # a method the user calls before scripting may set it anew
    "dict_set_anew_by_a_method": """
        from typing import Dict

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.maps = {}
                self.set_maps()

            def set_maps(self):
                self.maps = {"a": torch.ones(1)}

            def forward(self, x):
                return x + self.maps["a"]
    """,
    "list_of_ints_appended": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.sizes = []
                for i in range(2):
                    self.sizes.append(i)

            def forward(self, x):
                for s in self.sizes:
                    x = x + s
                return x
    """,
}


def test_ts304_flags_what_torch_cannot_convert(tmp_path):
    verdicts = _checked_then_judged(tmp_path, TS304_FLAGGED, ["TS304"])
    assert all(not v["accepted"] and "has no attribute" in v["error"] for v in verdicts), [v["error"][:200] for v in verdicts]


def test_ts304_quiet_where_torch_converts_or_never_reads(tmp_path):
    verdicts = _checked_then_judged(tmp_path, TS304_QUIET, [])
    assert all(v["accepted"] for v in verdicts), [v["error"][:200] for v in verdicts if not v["accepted"]]


# TS307: a class-level value read through `self` in compiled code (torch builds the module from the
# instance's own attributes and the class constants).
CLASS_VALUES_FLAGGED = {
    "class_value": """
        class Model(nn.Module):
            COEFF = 12.0

            def forward(self, x):
                return x * self.COEFF
    """,
    "annotated_class_value": """
        class Model(nn.Module):
            flag: bool = False

            def __init__(self):
                super().__init__()

            def forward(self, x):
                if self.flag:
                    return x + 1
                return x
    """,
    "base_class_value": """
        class Base(nn.Module):
            expansion = 4

        class Model(Base):
            def __init__(self):
                super().__init__()

            def forward(self, x):
                return x * self.expansion
    """,
}

CLASS_VALUES_QUIET = {
    "final_class_value": """
        from typing import Final

        class Model(nn.Module):
            COEFF: Final = 12.0

            def forward(self, x):
                return x * self.COEFF
    """,
    "listed_in_constants": """
        class Model(nn.Module):
            __constants__ = ["COEFF"]
            COEFF = 12.0

            def forward(self, x):
                return x * self.COEFF
    """,
    "shadowed_by_the_instance": """
        class Model(nn.Module):
            COEFF = 12.0

            def __init__(self):
                super().__init__()
                self.COEFF = 3.0

            def forward(self, x):
                return x * self.COEFF
    """,
    "read_outside_compiled_code": """
        class Model(nn.Module):
            expansion = 4

            def __init__(self, c: int = 2):
                super().__init__()
                self.fc = nn.Linear(c, c * self.expansion)

            def forward(self, x):
                return self.fc(x)
    """,
}


def test_class_values_flagged_and_rejected(tmp_path):
    verdicts = _checked_then_judged(tmp_path, CLASS_VALUES_FLAGGED, ["TS307"])
    assert all(not v["accepted"] and "has no attribute" in v["error"] for v in verdicts), verdicts


def test_class_values_quiet_and_accepted(tmp_path):
    verdicts = _checked_then_judged(tmp_path, CLASS_VALUES_QUIET, [])
    assert all(v["accepted"] for v in verdicts), [v["error"][:200] for v in verdicts if not v["accepted"]]


def test_a_guarded_read_in_a_class_whose_init_is_inherited_does_not_crash():
    """The builders of a class without an `__init__` of its own (its attributes come from a base of
    the file) were looked up in that class: KeyError '__init__', an internal error of TS301."""
    source = b'''import torch
from torch import nn


class Base(nn.Module):
    def __init__(self, use_bn: bool = True):
        super().__init__()
        self.use_bn = use_bn
        if use_bn:
            self.bn = nn.BatchNorm1d(4)


class Child(Base):
    def forward(self, x):
        if self.use_bn:
            x = self.bn(x)
        return x


def build():
    return Child(use_bn=False)
'''
    result = check_source(source, "inherited.py")
    assert result.errors == []


def test_the_ops_ts308_takes_for_lists_return_lists_in_torch_schemas():
    """TS308 reads `x.chunk(2)`, `torch.split(...)` ... as lists: every overload torch has returns one."""
    import torch

    from tslint.checks.attributes import LIST_RETURNING_OPS

    for op in LIST_RETURNING_OPS:
        schemas = torch._C._jit_get_schemas_for_operator(f"aten::{op}")
        assert schemas, op
        assert all(len(s.returns) == 1 and str(s.returns[0].type).startswith("List[") for s in schemas), op


# TS308: zip() of a module container with a value of run-time length; near misses torch accepts
ZIP_QUIET = {
    "zip_with_a_tuple_parameter_and_a_sequential": """
        from typing import Tuple

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.heads = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
                self.tails = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))

            def forward(self, pair: Tuple[torch.Tensor, torch.Tensor]):
                out = pair[0]
                for head, tail, x in zip(self.heads, self.tails, pair):
                    out = out + tail(head(x))
                return out
    """,
    "zip_with_a_list_in_constants_and_an_enumerate": """
        class Model(nn.Module):
            __constants__ = ["offsets"]

            def __init__(self):
                super().__init__()
                self.heads = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
                self.offsets = [1.0, 2.0]

            def forward(self, x):
                for head, offset, (i, other) in zip(self.heads, self.offsets, enumerate(self.heads)):
                    x = other(head(x)) + offset
                return x
    """,
    "zip_of_two_lists": """
        from typing import List

        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.scales = [1.0, 2.0]

            def forward(self, x, xs: List[torch.Tensor]):
                for y, s in zip(xs, self.scales):
                    x = x + y * s
                return x
    """,
}


def test_zip_near_misses_are_quiet_and_accepted(tmp_path):
    verdicts = _checked_then_judged(tmp_path, ZIP_QUIET, [])
    assert all(v["accepted"] for v in verdicts), [v["error"][:200] for v in verdicts if not v["accepted"]]


def test_zip_with_a_parameter_asserted_to_be_a_list_is_quiet_and_accepted(tmp_path):
    # `assert isinstance(x, (list, tuple))` is False for the Tensor torch makes of x: nothing after it
    # is compiled, and the module scripts
    verdicts = _checked_then_judged(tmp_path, {"asserted_sequence": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.pools = nn.ModuleList([nn.AdaptiveAvgPool2d(1) for _ in range(2)])

            def forward(self, x):
                assert isinstance(x, (list, tuple))
                return [p(xx) for p, xx in zip(self.pools, x)]
    """}, [])
    assert all(v["accepted"] for v in verdicts), verdicts


# TS304: an instance of a plain class of the file: torch compiles the class to convert it
PLAIN_INSTANCE = """
    class GlobalPool:
        def __init__(self, keepdim{annotation}=True):
            self.keepdim = keepdim

        def __call__(self, x: torch.Tensor) -> torch.Tensor:
            return x.mean([2, 3], keepdim=self.keepdim)

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.pool = GlobalPool()

        def forward(self, x):
            return self.pool(x)
"""


def test_a_plain_instance_with_an_unannotated_stored_parameter_is_flagged_and_rejected(tmp_path):
    verdicts = _checked_then_judged(tmp_path, {"plain_instance": PLAIN_INSTANCE.format(annotation="")}, ["TS304"])
    assert all(not v["accepted"] and "failed to convert Python type" in v["error"] for v in verdicts), verdicts


def test_a_plain_instance_with_annotated_parameters_is_quiet_and_accepted(tmp_path):
    verdicts = _checked_then_judged(tmp_path, {"annotated_instance": PLAIN_INSTANCE.format(annotation=": bool")}, [])
    assert all(v["accepted"] for v in verdicts), verdicts


# TS302: a module (or None) compared with == / !=; TS305: an Optional[Tensor] torch.nn declares, read
# through a submodule or inherited; each judged by torch with the default constructor.
COMPARED_AND_OPTIONAL = {
    "module_ne_none": ("""
        class Model(nn.Module):
            def __init__(self, down: bool = True):
                super().__init__()
                self.downsample = nn.Sequential(nn.ReLU()) if down else None

            def forward(self, x):
                if self.downsample != None:
                    x = self.downsample(x)
                return x
    """, ["TS302"]),
    "none_ne_none": ("""
        class Model(nn.Module):
            def __init__(self, down: bool = False):
                super().__init__()
                if down:
                    self.downsample = nn.Sequential(nn.ReLU())
                else:
                    self.downsample = None

            def forward(self, x):
                if self.downsample != None:
                    x = self.downsample(x)
                return x
    """, ["TS302"]),
    "module_eq_str": ("""
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.loss = nn.MSELoss()

            def forward(self, x):
                if self.loss == "softmax":
                    return x * 2
                return x
    """, ["TS302"]),
    "conv_bias_view": ("""
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 4, 1)

            def forward(self, x):
                if self.conv.bias is not None:
                    return self.conv(x) + self.conv.bias.view(1, -1, 1, 1)
                return x
    """, ["TS305"]),
    "conv_transpose_bias_without_bias": ("""
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.up = nn.ConvTranspose2d(3, 4, 2, bias=False)

            def forward(self, x):
                return x * self.up.bias.sum()
    """, ["TS305"]),
    "attention_bias_k": ("""
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.att = nn.MultiheadAttention(4, 2, add_bias_kv=True)

            def forward(self, x):
                return x * self.att.bias_k.sum()
    """, ["TS305"]),
    "conv_subclass_bias": ("""
        class Model(nn.Conv2d):
            def __init__(self):
                super().__init__(3, 4, 1)

            def forward(self, x):
                return self._conv_forward(x, self.weight, None) + self.bias.view(1, -1, 1, 1)
    """, ["TS305"]),
}
COMPARED_AND_OPTIONAL_QUIET = {
    "module_is_not_none": """
        class Model(nn.Module):
            def __init__(self, down: bool = True):
                super().__init__()
                self.downsample = nn.Sequential(nn.ReLU()) if down else None

            def forward(self, x):
                if self.downsample is not None:
                    x = self.downsample(x)
                return x
    """,
    "str_setting_compared": """
        class Model(nn.Module):
            def __init__(self, loss: str = "softmax"):
                super().__init__()
                self.loss = loss

            def forward(self, x):
                if self.loss == "softmax":
                    return x * 2
                return x
    """,
    "conv_bias_local_and_passed": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 4, 1)

            def forward(self, x):
                y = torch.nn.functional.conv2d(x, self.conv.weight, self.conv.bias)
                bias = self.conv.bias
                if bias is not None:
                    y = y + bias.view(1, -1, 1, 1)
                return y + self.conv.weight.sum()
    """,
    "linear_bias": """
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.fc = nn.Linear(3, 4)

            def forward(self, x):
                return self.fc(x) + self.fc.bias.view(1, -1)
    """,
    "conv_subclass_with_own_annotations": """
        from typing import List

        class Model(nn.Conv2d):
            sizes: List[int]

            def __init__(self):
                super().__init__(3, 4, 1)
                self.sizes = [1]

            def forward(self, x):
                return self._conv_forward(x, self.weight, None) + self.bias.view(1, -1, 1, 1)
    """,
}


def test_module_comparisons_and_declared_optional_tensors_are_flagged_and_rejected(tmp_path):
    for name, (body, rules) in COMPARED_AND_OPTIONAL.items():
        verdicts = _checked_then_judged(tmp_path, {name: body}, rules)
        assert not verdicts[0]["accepted"], name


def test_module_comparisons_and_optional_tensor_near_misses_are_quiet_and_accepted(tmp_path):
    verdicts = _checked_then_judged(tmp_path, COMPARED_AND_OPTIONAL_QUIET, [])
    assert all(v["accepted"] for v in verdicts), [v["error"][:200] for v in verdicts if not v["accepted"]]


def test_a_local_assigned_to_itself_in_init_does_not_stop_the_check():
    """`mu = mu` in __init__ then `self.mu = mu`: TS304 followed the local back to itself forever, and
    the RecursionError left the whole file unchecked (TS001)."""
    source = textwrap.dedent("""
        import torch
        from torch import nn

        class Model(nn.Module):
            def __init__(self, mu, device=None):
                super().__init__()
                if device is not None:
                    mu = mu
                self.mu = mu

            def forward(self, x, k=2):
                return x * self.mu
    """)
    found = [f.rule for f in check_source(source.encode(), "model.py").findings]
    assert "TS001" not in found and "TS201" in found, found
