"""tslint: find what torch.jit.script rejects in PyTorch model code, before torch does."""

__version__ = "0.1.0"
