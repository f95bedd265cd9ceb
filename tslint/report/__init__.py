"""Formatters: findings -> text for people or machines. Formatters never analyse."""
