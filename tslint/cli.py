"""Command line: argument parsing, exit codes, wiring. No analysis here.

Exit codes (as ruff): 0 no findings, 1 findings, 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Optional

from tslint import __version__
from tslint.checks import rule_by_id, rule_index, selected_rules
from tslint.config import FORMATS, MODES, ConfigError, Settings, load_settings
from tslint.engine.discover import discover
from tslint.report.text import format_statistics, format_text
from tslint.rulebook import rule_text
from tslint.engine.batch import check_files

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [code.strip().upper() for code in value.split(",") if code.strip()]


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
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH", help="files or directories (default: .)")
    check.add_argument("--select", type=_codes, metavar="CODES", help="comma-separated rule codes or prefixes to enable (default: all)")
    check.add_argument("--ignore", type=_codes, metavar="CODES", help="comma-separated rule codes or prefixes to disable")
    check.add_argument("--extend-select", type=_codes, metavar="CODES", help="codes to enable on top of the selection")
    check.add_argument("--exclude", type=lambda v: [p for p in v.split(",") if p], metavar="PATTERNS", help="comma-separated glob patterns of paths to skip")
    check.add_argument("--mode", choices=MODES, help="what the model is exported with: script, trace or both (default: both)")
    check.add_argument("--output-format", choices=FORMATS, help="text (default), json, sarif or github")
    check.add_argument("--output-file", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    check.add_argument("--statistics", action="store_true", help="print the count of findings per rule")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("-q", "--quiet", action="store_true", help="print the findings only: no summary line (as ruff -q)")
    check.add_argument("--config", metavar="FILE", help="pyproject.toml to read [tool.tslint] from (default: nearest)")
    check.add_argument("--fix", action="store_true", help="apply safe automatic fixes to the files")
    check.add_argument("--unsafe-fixes", action="store_true", help="also apply fixes that can change behaviour (with --fix or --diff)")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing (exit 1 if there are any)")
    check.add_argument("--jobs", "-j", type=int, default=0, metavar="N", help="worker processes for checking files (default: all cores)")
    check.add_argument("--no-cache", dest="cache", action="store_false", help="do not read or write the results cache (~/.cache/tslint)")
    check.add_argument("--no-help", dest="show_help", action="store_false", help="omit the help line under each finding")
    confirm_group = check.add_mutually_exclusive_group()
    confirm_group.add_argument("--confirm", dest="confirm", action="store_true", default=None, help="confirm each finding with torch.jit.script in child processes (default when torch is installed)")
    confirm_group.add_argument("--no-confirm", dest="confirm", action="store_false", help="static analysis only: do not import torch or the checked code")
    check.add_argument("--timeout", type=float, metavar="SECONDS", help="confirm: time budget per file (default 60, [tool.tslint.confirm] timeout)")
    check.add_argument("--show-refuted", action="store_true", help="confirm: also show findings torch accepted (hidden by default)")
    check.add_argument("--save-to", metavar="DIR", help="confirm: write each verified export (<module>.pt, <module>.json) of modules with example inputs to DIR")

    rule = commands.add_parser("rule", help="list the rules, or explain one", description="Without an argument, list every rule; with a code, print its documentation.")
    rule.add_argument("code", nargs="?", help="a rule code (TS101) or name (try-statement)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    if args.select is not None:
        settings.select = args.select
    if args.ignore is not None:
        settings.ignore = args.ignore
    if args.extend_select is not None:
        settings.extend_select = args.extend_select
    if args.exclude is not None:
        settings.exclude = args.exclude
    if args.mode is not None:
        settings.mode = args.mode
    if args.output_format is not None:
        settings.output_format = args.output_format
    return settings


def _validate_codes(codes: list[str]) -> None:
    known = [rule.id for rule in rule_index()]
    for code in codes:
        if not any(rule_id.startswith(code) for rule_id in known):
            raise ConfigError(f"unknown rule code or prefix {code!r} (see `tslint rule`)")


def run_check(args: argparse.Namespace) -> int:
    settings = _settings(args)
    _validate_codes(settings.select + settings.ignore + settings.extend_select)
    for codes in settings.per_file_ignores.values():
        _validate_codes(codes)
    select = (settings.select or ["TS"]) + settings.extend_select
    rules = selected_rules(rule_index(), select, settings.ignore)
    if settings.mode == "script":
        rules = [rule for rule in rules if rule.mode != "trace"]
    elif settings.mode == "trace":
        rules = [rule for rule in rules if rule.mode != "script" or rule.id < "TS100"]

    found = discover(args.paths, tuple(settings.exclude))

    def rules_for(path: str) -> list[str]:
        per_file = settings.ignored_for(path)
        return [rule.id for rule in (selected_rules(rules, select, settings.ignore + per_file) if per_file else rules)]

    errors = list(found.errors)
    fixed_count, reverted = 0, []
    if args.fix or args.diff:
        fixed_count, diffs, fix_errors, reverted = _apply_fixes(found.files, rules_for, args, settings)
        errors += fix_errors
        if args.diff:
            sys.stdout.write(diffs)
            for error in errors:
                print(f"tslint: error: {error}", file=sys.stderr)
            for finding in reverted:
                print(f"tslint: {finding.path}:{finding.line}: {finding.rule} fix reverted: {finding.fix.reverted}", file=sys.stderr)
            noun = "fix" if fixed_count == 1 else "fixes"
            print(f"Would apply {fixed_count} {noun}.", file=sys.stderr)
            return EXIT_ERROR if errors else (EXIT_FINDINGS if fixed_count else EXIT_CLEAN)

    results, read_errors = check_files(found.files, rules_for, jobs=args.jobs, use_cache=args.cache)
    _confirm_stage(args, settings, results, rules_for)
    if reverted:
        from tslint.fix.verify import mark_reverted

        mark_reverted(results, reverted)
    errors += read_errors

    findings = sorted((f for result in results for f in result.findings), key=lambda f: f.sort_key())
    for result in results:
        errors.extend(result.errors)

    output = _format(settings.output_format, findings, len(results), errors, args, fixed_count if args.fix else None)
    _write(output, args.output_file)
    for error in errors:
        print(f"tslint: error: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if findings and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _format(output_format: str, findings: list, files_checked: int, errors: list[str], args: argparse.Namespace, fixed: Optional[int]) -> str:
    """The report in the chosen format (tslint.report.*); --statistics in each of them."""
    if output_format == "json":
        from tslint.report.json import format_json

        return format_json(findings, files_checked, __version__, errors, with_statistics=args.statistics, fixed=fixed)
    if output_format == "sarif":
        from tslint.checks import all_rules
        from tslint.report.json import statistics
        from tslint.report.sarif import format_sarif

        return format_sarif(findings, all_rules(), __version__, errors, statistics(findings) if args.statistics else ())
    if output_format == "github":
        from tslint.report.github import format_github

        output = format_github(findings, frozenset(rule.id for rule in rule_index() if rule.mode == "trace"))
        return output + (format_statistics(findings) if args.statistics else "")
    output = format_text(findings, files_checked, show_help=args.show_help, summary=not args.quiet)
    if fixed is not None and not args.quiet:
        output += f"Fixed {fixed} {'problem' if fixed == 1 else 'problems'}, {len(findings)} remaining.\n"
        undone = sum(1 for finding in findings if finding.fix is not None and finding.fix.reverted)
        if undone:
            output += f"Reverted {undone} {'fix' if undone == 1 else 'fixes'} after which torch still rejected the code (see `fix reverted:`).\n"
    return (format_statistics(findings) if args.statistics else "") + output


def _apply_fixes(files: list[str], rules_for, args: argparse.Namespace, settings: Settings) -> tuple[int, str, list[str], list]:
    """Fix each file (or only diff it); with torch, the fixed modules are scripted first and the fixes
    torch still rejects are undone (tslint.fix.verify). Returns the number of fixes, the diff text,
    errors and the undone fixes."""
    from tslint.checks import all_rules
    from tslint.confirm import torch_available
    from tslint.fix.apply import WriteError, fix_source, unified_diff, write_atomically

    by_id = {rule.id: rule for rule in all_rules()}
    count, diffs, errors = 0, [], []
    results = []
    for path in files:
        try:
            source = Path(path).read_bytes()
        except OSError:
            continue  # reported by the check that follows
        results.append(fix_source(source, path, [by_id[i] for i in rules_for(path)], unsafe=args.unsafe_fixes))
    if args.confirm is not False and any(result.changed for result in results) and torch_available():
        from tslint.fix.verify import verify

        verify(results, rules_for, args.unsafe_fixes, settings, jobs=args.jobs, timeout=args.timeout)
    for result in results:
        source = result.original
        errors += result.errors
        if not result.changed:
            continue
        if args.diff:
            diffs.append(unified_diff(result))
            count += len(result.applied)
            continue
        try:
            write_atomically(result.path, source, result.fixed)
            count += len(result.applied)
        except WriteError as error:
            errors.append(str(error))
    return count, "".join(diffs), errors, [finding for result in results for finding in result.reverted]


def _confirm_stage(args: argparse.Namespace, settings: Settings, results: list, rules_for) -> None:
    """Verdicts from torch on every finding (tslint.confirm), unless --no-confirm or no torch."""
    from tslint.confirm import confirm, torch_available, visible

    if args.save_to and args.confirm is False:
        raise ConfigError("--save-to publishes what torch verified: it needs the confirm stage (drop --no-confirm)")
    if args.confirm is False or not results:
        return
    if not torch_available():
        print("tslint: torch is not installed, so findings are unconfirmed; install it with: pip install 'tslint[confirm]'", file=sys.stderr)
        return
    from tslint.engine.analyse import suppressed_lines

    def ts002_allowed(path: str, line: int, rule: str = "TS002") -> bool:
        if rule not in rules_for(path):
            return False
        # torch's error on a line the user silenced (`# noqa: TS101`) is the finding they silenced
        try:
            return line not in suppressed_lines(Path(path).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return True

    def progress(done: int, total: int) -> None:
        # a bar redrawn in place on a terminal (stderr is a TTY); nothing otherwise
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        print(f"\rtslint: confirming with torch [{bar}] {done}/{total} files", end="\n" if done == total else "", file=sys.stderr, flush=True)

    # findings of the rules the user turned off still explain torch's errors (no TS002 for them)
    every_rule = [rule.id for rule in rule_index()]
    deselected: dict[str, list] = {}
    narrowed = [result.path for result in results if set(rules_for(result.path)) != set(every_rule)]
    if narrowed:
        full, _ = check_files(narrowed, lambda path: every_rule, jobs=args.jobs, use_cache=args.cache)
        for result in full:
            shown = set(rules_for(result.path))
            deselected[result.path] = [f for f in result.findings if f.rule not in shown]
    if args.save_to:
        try:
            Path(args.save_to).mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ConfigError(f"--save-to {args.save_to}: {error}") from None
    figures = confirm(results, settings, jobs=args.jobs, use_cache=args.cache, timeout=args.timeout, ts002_allowed=ts002_allowed,
                      progress=progress if sys.stderr.isatty() else None, deselected=deselected, save_to=args.save_to)
    # a file torch could not judge is not "clean": say so (the exit code stays the static one)
    failed = figures["not_confirmed"]
    for path, reason in failed[:3]:
        print(f"tslint: {path}: {reason}", file=sys.stderr)
    if len(failed) > 3:
        print(f"tslint: ... and {len(failed) - 3} more files torch could not judge", file=sys.stderr)
    if args.save_to:
        count = len(figures["artifacts"])
        print(f"tslint: saved {count} verified export{'' if count == 1 else 's'} to {args.save_to}", file=sys.stderr)
    for result in results:
        result.findings[:] = visible(result.findings, args.show_refuted)


def _write(output: str, output_file: Optional[str]) -> None:
    if output_file is None:
        sys.stdout.write(output)
        return
    # Write to a temporary file and rename, so a reader never sees half a report.
    target = Path(output_file)
    temporary = target.with_name(f".{target.name}.tslint-tmp")
    temporary.write_text(output, encoding="utf-8")
    temporary.replace(target)


def run_rule(args: argparse.Namespace) -> int:
    if args.code is None:
        for rule in rule_index():
            print(f"{rule.id}  {rule.name:<34} {rule.summary}")
        return EXIT_CLEAN
    rule = rule_by_id(args.code)
    if rule is None:
        print(f"tslint: error: unknown rule {args.code!r} (see `tslint rule`)", file=sys.stderr)
        return EXIT_ERROR
    sys.stdout.write(rule_text(rule))
    return EXIT_CLEAN


def main(argv: Optional[list[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        if args.command == "rule":
            return run_rule(args)
        return run_check(args)
    except ConfigError as error:
        print(f"tslint: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
