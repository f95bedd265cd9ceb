"""Fixes: apply rewrites to source, and verify the fixed modules with torch."""
