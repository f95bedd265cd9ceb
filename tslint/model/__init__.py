"""The model of a file that rules read: nodes, symbols, compiled regions, `__init__` attributes, type and tensor flow, positions."""
