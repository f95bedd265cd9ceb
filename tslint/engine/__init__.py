"""Running the rules: find files, parse, walk the regions, batch files over processes with a cache."""
