import os
import sys

# `python -m` puts the working directory first on sys.path: a folder holding its own libcst/ or torch/
# would run its code inside tslint. Drop it before anything is imported.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from tslint.cli import main  # noqa: E402

raise SystemExit(main())
