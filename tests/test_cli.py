"""The ``linkeddata`` command line: exit codes, report formats, and ``serve`` settings."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from pyshacl import validate as shacl_validate
from rdflib import Graph
from rdflib.namespace import SH

from linkeddata.cli import main
from linkeddata.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "validation"
ROOT = FIXTURES / "root"
CONTRIBUTIONS = FIXTURES / "contributions"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", "--root", str(ROOT), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("contribution", "code"), [
    ("good.ttl", 0), ("warning.ttl", 0), ("typo.ttl", 1), ("dangling.ttl", 1), ("conflict.ttl", 1), ("bad-syntax.ttl", 2),
])
def test_exit_codes(capsys: pytest.CaptureFixture[str], contribution: str, code: int) -> None:
    assert run(capsys, str(CONTRIBUTIONS / contribution))[0] == code


def test_whole_data_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys)
    assert code == 0 and out.startswith("Conforms: 0 Violations")


def test_text_report_groups_by_resource_and_points_at_lines(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, str(CONTRIBUTIONS / "typo.ttl"))
    assert "Delta meeting <https://w3id.org/vn-cn-border/id/meeting/delta>" in out
    assert "did you mean bc:place?" in out and "typo.ttl:10]" in out
    assert out.rstrip().endswith("Does not conform: 1 Violation, 0 Warnings, 0 Infos.")


@pytest.mark.parametrize(("name", "location"), [("bad-syntax.ttl", ":6:13: "), ("bad-syntax.nt", ":2:95: ")])
def test_syntax_errors_give_file_line_column(capsys: pytest.CaptureFixture[str], name: str, location: str) -> None:
    given = str(CONTRIBUTIONS / name)
    code, _, err = run(capsys, given)
    assert code == 2
    assert err.splitlines()[0].startswith(given + location)
    assert "Traceback" not in err


def test_missing_file_and_unknown_extension_are_unreadable(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    code, _, err = run(capsys, str(tmp_path / "missing.ttl"), str(tmp_path / "notes.txt"))
    assert code == 2
    assert f"{tmp_path / 'missing.ttl'}: cannot read" in err and f"{tmp_path / 'notes.txt'}: not a known RDF" in err


def test_strict_fails_on_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--strict", str(CONTRIBUTIONS / "warning.ttl"))[0] == 1
    assert run(capsys, "--strict", str(CONTRIBUTIONS / "good.ttl"))[0] == 0


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", str(CONTRIBUTIONS / "conflict.ttl"))
    body = json.loads(out)
    assert code == 1 and body["conforms"] is False
    assert body["counts"] == {"Violation": 2, "Warning": 0, "Info": 0}
    first = body["results"][0]
    assert set(first) >= {"focusNode", "focusLabel", "path", "value", "message", "severity", "sourceShape",
                          "constraint", "file", "line"}
    assert first["focusLabel"] == "Alpha meeting" and first["line"] == 7


def test_json_report_carries_syntax_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "json", str(CONTRIBUTIONS / "bad-syntax.ttl"))
    assert code == 2
    assert json.loads(out)["errors"][0]["line"] == 6


def test_turtle_report_is_a_valid_shacl_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--format", "turtle", str(CONTRIBUTIONS / "typo.ttl"))
    graph = Graph().parse(data=out, format="turtle")
    [report] = graph.subjects(SH.conforms, None)
    assert code == 1 and graph.value(report, SH.conforms).toPython() is False  # type: ignore[union-attr]
    assert len(list(graph.objects(report, SH.result))) == 1
    conforms, _, text = shacl_validate(graph, shacl_graph=Graph().parse(FIXTURES / "report-shapes.ttl"))
    assert conforms, text


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["validate", "--format", "yaml"], ["validate", "--bogus"], ["frobnicate"], []):
        with pytest.raises(SystemExit) as exited:
            main(argv)
        assert exited.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    out = capsys.readouterr().out
    assert "0  conforms" in out and "1  violations" in out and "2  unreadable input" in out


def test_module_entry_point_runs_without_traceback() -> None:
    done = subprocess.run([sys.executable, "-m", "linkeddata.cli", "validate", "--root", str(ROOT),
                           str(CONTRIBUTIONS / "bad-syntax.ttl")], capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "bad-syntax.ttl:6:13:" in done.stderr and "Traceback" not in done.stderr


def test_serve_applies_options_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[Settings] = []
    fake = types.ModuleType("linkeddata.web.server")
    fake.serve = received.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "linkeddata.web.server", fake)
    monkeypatch.setenv("LINKEDDATA_PORT", "9000")
    monkeypatch.setenv("LINKEDDATA_HOST", "0.0.0.0")
    code = main(["serve", "--port", "8123", "--public-url", "https://example.org/x/", "--workers", "3",
                 "--trust-proxy", "--root", str(ROOT), "--query-timeout", "2.5"])
    [settings] = received
    assert code == 0
    assert (settings.host, settings.port, settings.public_url, settings.workers) == ("0.0.0.0", 8123, "https://example.org/x/", 3)
    assert (settings.trust_proxy, settings.root, settings.query_timeout) == (True, ROOT, 2.5)


def test_serve_without_trust_proxy_keeps_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    received: list[Settings] = []
    fake = types.ModuleType("linkeddata.web.server")
    fake.serve = received.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "linkeddata.web.server", fake)
    monkeypatch.setenv("LINKEDDATA_TRUST_PROXY", "true")
    main(["serve"])
    assert received[0].trust_proxy is True
