"""pylint and flake8 plugins: thin adapters over tslint.api."""
