"""Shows the access-control coverage table at the end of a pytest run that checked it
(tests/test_access_coverage.py); the full report is in var/access-coverage.txt."""


def pytest_terminal_summary(terminalreporter):
    import sys

    module = sys.modules.get("tests.access_coverage")
    text = getattr(module, "LAST_REPORT", None)
    if not text:
        return
    terminalreporter.write_sep("=", "access-control coverage")
    terminalreporter.write(text)
    terminalreporter.write_line(f"full report: {module.REPORT_PATH}")
