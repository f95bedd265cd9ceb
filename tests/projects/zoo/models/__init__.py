from .blocks import Block
from .net import Net, Plain

__all__ = ["Block", "Net", "Plain"]
