"""tslint: find what torch.jit.script rejects in PyTorch model code, before torch does."""

__version__ = "0.1.0"

# Where users report what tslint gets wrong: [project.urls] Issues in pyproject.toml (a test keeps
# the two equal; read from here, since a checkout run with PYTHONPATH has no installed metadata).
ISSUES_URL = "https://github.com/OWNER/tslint/issues"
