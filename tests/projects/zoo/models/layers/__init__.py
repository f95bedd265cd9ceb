from .functional import scaled, shifted
