"""Command line: argument parsing, formatting and exit codes; the pipeline is tslint.api.

Exit codes (as ruff): 0 no findings, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
from pathlib import Path
from typing import Optional

from tslint import __version__, api
from tslint.api import Options
from tslint.checks import rule_by_id, rule_index
from tslint.config import FORMATS, MODES, ConfigError, Settings, load_settings
from tslint.report.text import format_statistics, format_text
from tslint.rulebook import rule_text

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [code.strip().upper() for code in value.split(",") if code.strip()]


def _per_file_ignores(value: str) -> dict[str, list[str]]:
    entries = {}
    for entry in value.split():
        pattern, colon, codes = entry.rpartition(":")
        if not colon or not pattern or not _codes(codes):
            raise argparse.ArgumentTypeError(f"expected PATTERN:CODES (e.g. 'tests/*:TS1'), got {entry!r}")
        entries[pattern] = _codes(codes)
    return entries


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tslint",
        description="Find what torch.jit.script rejects in PyTorch model code, all at once, from source.",
        epilog="Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.",
    )
    parser.add_argument("--version", action="version", version=f"tslint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check files or directories",
        description="Report every construct TorchScript would reject in the given files or directories.",
        epilog="Exit codes: 0 clean, 1 findings, 2 usage, configuration or internal error.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .); - reads the source from standard input")
    check.add_argument("--stdin-filename", metavar="PATH", help="the path of the source read from standard input: used for the configuration, per-file-ignores and messages")
    check.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated rule codes or prefixes to enable (default: all)")
    check.add_argument("--ignore", type=_codes, metavar="CODES", help="comma-separated rule codes or prefixes to disable")
    check.add_argument("--extend-select", type=_codes, metavar="CODES", help="codes to enable on top of the selection")
    check.add_argument("--extend-ignore", type=_codes, metavar="CODES", help="codes to disable on top of --ignore and the configuration")
    check.add_argument("--per-file-ignores", type=_per_file_ignores, action="append", metavar="PATTERN:CODES",
                       help="codes to ignore in files matching a glob, e.g. 'tests/*:TS1,TS2' (several separated by spaces, or repeat the option); added to the configuration's")
    check.add_argument("--exclude", type=lambda v: [p for p in v.split(",") if p], metavar="PATTERNS", help="comma-separated glob patterns of paths to skip")
    check.add_argument("--mode", choices=MODES, help="what the model is exported with: script, trace or both (default: both)")
    check.add_argument("--output-format", choices=FORMATS, help="text (default), json, sarif or github")
    check.add_argument("--output-file", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    check.add_argument("--statistics", action="store_true", help="print the count of findings per rule (text: the table only)")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("-q", "--quiet", action="store_true", help="print the findings only: no summary line (as ruff -q)")
    check.add_argument("--config", action="append", metavar="FILE | 'KEY = VALUE'",
                       help="pyproject.toml to read [tool.tslint] from (default: nearest), or a setting in TOML that overrides it ('mode = \"script\"', 'confirm.timeout = 30'); repeatable")
    check.add_argument("--show-settings", action="store_true", help="print the settings in effect (after the configuration and the options) and exit")
    check.add_argument("--show-files", action="store_true", help="print the files that would be checked and exit")
    check.add_argument("--fix", action="store_true", help="apply safe automatic fixes to the files")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that can change behaviour (with --fix or --diff)")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing (exit 1 if there are any)")
    check.add_argument("--fix-only", action="store_true", help="apply the fixes and report only how many (exit 0 unless --exit-non-zero-on-fix)")
    check.add_argument("--exit-non-zero-on-fix", action="store_true", help="with --fix or --fix-only: exit 1 when a fix was applied, even if nothing remains")
    check.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes for checking files (default: all cores)")
    check.add_argument("--no-cache", dest="cache", action="store_false", help="do not read or write the results cache (~/.cache/tslint)")
    check.add_argument("--cache-dir", metavar="DIR", help="where the cache lives (default: $TSLINT_CACHE_DIR, else ~/.cache/tslint)")
    check.add_argument("--no-help", dest="show_help", action="store_false", help="omit the help line under each finding")
    confirm_group = check.add_mutually_exclusive_group()
    confirm_group.add_argument("--confirm", dest="confirm", action="store_true", default=None, help="confirm each finding with torch.jit.script in child processes (default when torch is installed)")
    confirm_group.add_argument("--no-confirm", dest="confirm", action="store_false", help="static analysis only: do not import torch or the checked code")
    check.add_argument("--timeout", type=float, metavar="SECONDS", help="confirm: time budget per file (default 60, [tool.tslint.confirm] timeout)")
    check.add_argument("--show-refuted", action="store_true", help="confirm: also show findings torch accepted (hidden by default)")
    check.add_argument("--save-to", metavar="DIR", help="confirm: write each verified export (<module>.pt, <module>.json) of modules with example inputs to DIR")

    server = commands.add_parser("server", help="run the language server (LSP over standard input and output)",
                                 description="A language server for editors: diagnostics as you type, hover docs, fixes as code actions.")
    server.add_argument("--stdio", action="store_true", help="talk LSP over standard input and output (the default and only transport)")

    rule = commands.add_parser("rule", help="list the rules, or explain one", description="Without an argument, list every rule; with a code, print its documentation.")
    rule.add_argument("code", nargs="?", help="a rule code (TS101) or name (try-statement)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    files = [value for value in args.config or [] if "=" not in value]
    overrides = [value for value in args.config or [] if "=" in value]
    if len(files) > 1:
        raise ConfigError(f"--config: one configuration file at most, got {', '.join(files)}")
    start = Path(args.stdin_filename).resolve().parent if args.stdin_filename else None
    settings = load_settings(files[0] if files else None, start=start, overrides=overrides)
    if args.select is not None:
        settings.select = args.select
    if args.ignore is not None:
        settings.ignore = args.ignore
    if args.extend_select is not None:
        settings.extend_select = args.extend_select
    if args.extend_ignore is not None:
        settings.ignore = settings.ignore + args.extend_ignore
    for entries in args.per_file_ignores or []:
        settings.per_file_ignores = {**settings.per_file_ignores, **entries}
    if args.exclude is not None:
        settings.exclude = args.exclude
    if args.mode is not None:
        settings.mode = args.mode
    if args.output_format is not None:
        settings.output_format = args.output_format
    return settings


def _options(args: argparse.Namespace) -> Options:
    return Options(jobs=args.jobs, cache=args.cache, confirm=args.confirm, timeout=args.timeout, show_refuted=args.show_refuted,
                   save_to=args.save_to, fix=args.fix or args.fix_only, unsafe_fixes=args.unsafe_fixes,
                   progress=_progress if sys.stderr.isatty() else None)


def _progress(done: int, total: int) -> None:
    # a bar redrawn in place on a terminal (stderr is a TTY); nothing otherwise
    width = 30
    filled = width * done // max(total, 1)
    bar = "#" * filled + "-" * (width - filled)
    print(f"\rtslint: confirming with torch [{bar}] {done}/{total} files", end="\n" if done == total else "", file=sys.stderr, flush=True)


def run_check(args: argparse.Namespace) -> int:
    stdin = args.paths == ["-"] or (args.stdin_filename is not None and not args.paths)
    if "-" in args.paths and not stdin:
        raise ConfigError("- (standard input) cannot be combined with other paths")
    paths = args.paths or ["."]
    if args.cache_dir:
        os.environ["TSLINT_CACHE_DIR"] = os.path.abspath(args.cache_dir)  # child processes too
    settings = _settings(args)
    if args.show_settings:
        return _show_settings(settings)
    if stdin:
        return _run_stdin(args, settings)
    if args.show_files:
        return _show_files(paths, settings)
    if args.diff:
        return _run_diff(args, settings, paths)
    if args.fix_only:
        return _run_fix_only(args, settings, paths)
    report = api.check(paths, settings, _options(args))
    for note in report.notes:
        print(f"tslint: {note}", file=sys.stderr)
    _write(_format(settings.output_format, report, args), args.output_file)
    for error in report.errors:
        print(f"tslint: error: {error}", file=sys.stderr)
    if report.errors:
        return EXIT_ERROR
    if args.exit_non_zero_on_fix and report.fixed:
        return EXIT_FINDINGS
    if report.findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _run_stdin(args: argparse.Namespace, settings: Settings) -> int:
    """The source on standard input, as ruff: findings (static stage: torch confirms files on disk), or
    with --fix the fixed source on stdout and what remains on stderr, or with --diff the diff."""
    path = args.stdin_filename or "-"
    source = sys.stdin.buffer.read()
    if args.fix or args.fix_only or args.diff:
        fixed = api.fix_file(path, source, settings, unsafe=args.unsafe_fixes)
        for error in fixed.errors:
            print(f"tslint: error: {error}", file=sys.stderr)
        if args.diff:
            from tslint.fix.apply import unified_diff

            sys.stdout.write(unified_diff(fixed) if fixed.changed else "")
            return EXIT_ERROR if fixed.errors else (EXIT_FINDINGS if fixed.applied else EXIT_CLEAN)
        sys.stdout.buffer.write(fixed.fixed)
        sys.stdout.flush()
        remaining = api.check_file(path, fixed.fixed, settings)
        report = api.Report(sorted(remaining.findings, key=lambda f: f.sort_key()), 1, fixed.errors + remaining.errors,
                            fixed=len(fixed.applied))
        if not args.fix_only and report.findings:
            sys.stderr.write(format_text(report.findings, 1, show_help=args.show_help, summary=False))
        if report.errors:
            return EXIT_ERROR
        if args.exit_non_zero_on_fix and report.fixed:
            return EXIT_FINDINGS
        return EXIT_FINDINGS if report.findings and not args.fix_only and not args.exit_zero else EXIT_CLEAN
    result = api.check_file(path, source, settings)
    report = api.Report(sorted(result.findings, key=lambda f: f.sort_key()), 1, result.errors)
    _write(_format(settings.output_format, report, args), args.output_file)
    for error in report.errors:
        print(f"tslint: error: {error}", file=sys.stderr)
    if report.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if report.findings and not args.exit_zero else EXIT_CLEAN


def _run_fix_only(args: argparse.Namespace, settings: Settings, paths: list[str]) -> int:
    """--fix-only: apply the fixes, say how many, report nothing else (as ruff --fix-only)."""
    report = api.fix(paths, settings, _options(args), write=True)
    for error in report.errors:
        print(f"tslint: error: {error}", file=sys.stderr)
    for finding in report.reverted:
        print(f"tslint: {finding.path}:{finding.line}: {finding.rule} fix reverted: {finding.fix.reverted}", file=sys.stderr)
    if not args.quiet:
        print(f"Fixed {report.count} {'problem' if report.count == 1 else 'problems'}." if report.count else "No fixes available.")
    if report.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if args.exit_non_zero_on_fix and report.count else EXIT_CLEAN


def _show_settings(settings: Settings) -> int:
    """The settings in effect, as `[tool.tslint]` TOML (paste-able), and the rules they check."""
    from tslint.engine.ruleset import RuleSet

    rules = RuleSet(settings)
    print(f"# configuration: {settings.config_path or 'none (defaults)'}")
    print("[tool.tslint]")
    for key in ("select", "ignore", "extend-select", "exclude", "mode", "output-format"):
        print(f"{key} = {json.dumps(getattr(settings, key.replace('-', '_')))}")
    table = ", ".join(f"{json.dumps(pattern)} = {json.dumps(codes)}" for pattern, codes in settings.per_file_ignores.items())
    print(f"per-file-ignores = {{ {table} }}" if table else "per-file-ignores = {}")
    if settings.confirm:
        print("\n[tool.tslint.confirm]")
        for key, value in settings.confirm.items():
            print(f"{json.dumps(key) if not key.replace('-', '').isalnum() else key} = {json.dumps(value)}")
    print(f"\n# rules checked ({len(rules.rules)}): {' '.join(rule.id for rule in rules.rules)}")
    return EXIT_CLEAN


def _show_files(paths: list[str], settings: Settings) -> int:
    from tslint.engine.discover import discover

    found = discover(paths, tuple(settings.exclude))
    for path in found.files:
        print(path)
    for error in found.errors:
        print(f"tslint: error: {error}", file=sys.stderr)
    return EXIT_ERROR if found.errors else EXIT_CLEAN


def _run_diff(args: argparse.Namespace, settings: Settings, paths: list[str]) -> int:
    """--diff: the fixes as a unified diff on stdout, nothing written; exit 1 when there are any."""
    report = api.fix(paths, settings, _options(args), write=False)
    sys.stdout.write(report.diff)
    for error in report.errors:
        print(f"tslint: error: {error}", file=sys.stderr)
    for finding in report.reverted:
        print(f"tslint: {finding.path}:{finding.line}: {finding.rule} fix reverted: {finding.fix.reverted}", file=sys.stderr)
    noun = "fix" if report.count == 1 else "fixes"
    print(f"Would apply {report.count} {noun}.", file=sys.stderr)
    return EXIT_ERROR if report.errors else (EXIT_FINDINGS if report.count else EXIT_CLEAN)


def _format(output_format: str, report: api.Report, args: argparse.Namespace) -> str:
    """The report in the chosen format (tslint.report.*); --statistics in each of them."""
    findings, fixed = report.findings, report.fixed
    if output_format == "json":
        from tslint.report.json import format_json

        return format_json(findings, report.files_checked, __version__, report.errors, with_statistics=args.statistics, fixed=fixed, confirmed=report.confirmed)
    if output_format == "sarif":
        from tslint.checks import all_rules
        from tslint.report.json import statistics
        from tslint.report.sarif import format_sarif

        return format_sarif(findings, all_rules(), __version__, report.errors, statistics(findings) if args.statistics else (), confirmed=report.confirmed)
    if output_format == "github":
        from tslint.report.github import format_github

        output = format_github(findings, frozenset(rule.id for rule in rule_index() if rule.mode == "trace"))
        return output + (format_statistics(findings) if args.statistics else "")
    if args.statistics:
        return format_statistics(findings, unsafe_fixes=args.unsafe_fixes)  # the table only, as ruff
    output = format_text(findings, report.files_checked, show_help=args.show_help, summary=not args.quiet,
                         errors=len(report.errors), unsafe_fixes=args.unsafe_fixes, confirmed=report.confirmed)
    if fixed is not None and not args.quiet:
        output += f"Fixed {fixed} {'problem' if fixed == 1 else 'problems'}, {len(findings)} remaining.\n"
        undone = sum(1 for finding in findings if finding.fix is not None and finding.fix.reverted)
        if undone:
            output += f"Reverted {undone} {'fix' if undone == 1 else 'fixes'} after which torch rejected (or the static check saw it would reject) the code (see `fix reverted:`).\n"
    return output


def _write(output: str, output_file: Optional[str]) -> None:
    # backslashreplace: a file name with bytes that are not UTF-8 (surrogate escapes) prints as
    # \udcff, which JSON readers decode back to the name, instead of a UnicodeEncodeError
    if output_file is None:
        sys.stdout.reconfigure(errors="backslashreplace")
        sys.stdout.write(output)
        return
    data = output.encode("utf-8", errors="backslashreplace")
    target = Path(output_file)
    try:
        if target.exists() and not target.is_file():  # /dev/stdout, a FIFO: write through, never replace it
            if target.is_dir():
                raise IsADirectoryError(21, "is a directory")
            with open(target, "wb") as stream:
                stream.write(data)
            return
        target = target.resolve()  # through a symlink: the file it names is replaced, not the link
        # a temporary file renamed over the target, so a reader never sees half a report
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tslint-tmp")
    except OSError as error:
        raise ConfigError(f"cannot write the report to {output_file}: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask())
        os.replace(temporary, target)
    except OSError as error:
        os.unlink(temporary)
        raise ConfigError(f"cannot write the report to {output_file}: {error.strerror or error}") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def run_rule(args: argparse.Namespace) -> int:
    if args.code is None:
        rules = rule_index()
        width = max(len(rule.name) for rule in rules)
        for rule in rules:
            print(f"{rule.id:<5}  {rule.name:<{width}}  {rule.summary}")
        return EXIT_CLEAN
    rule = rule_by_id(args.code)
    if rule is None:
        print(f"tslint: error: unknown rule {args.code!r} (see `tslint rule`)", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(rule_text(rule))
    return EXIT_CLEAN


def _terminated(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        if args.command == "rule":
            return run_rule(args)
        if args.command == "server":
            try:
                from tslint.server.app import main as serve  # pygls is imported only for this command
            except ImportError as error:
                raise ConfigError(f"the language server needs pygls ({error}); install it with: pip install 'tslint[server]'") from None
            return serve()
        # SIGTERM unwinds like Ctrl-C: the finally blocks remove --fix's verification copies
        signal.signal(signal.SIGTERM, _terminated)
        return run_check(args)
    except ConfigError as error:
        print(f"tslint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tslint check | head`: the reader left, nothing to report
        return EXIT_ERROR
    except Exception as error:  # exit 1 means findings: a crash of ours must never look like one
        print(f"tslint: internal error: {type(error).__name__}: {error} (please report it)", file=sys.stderr)
        return EXIT_ERROR
