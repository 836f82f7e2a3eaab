"""The server configuration in deploy/ is valid and agrees with itself and with the app.

gunicorn's settings go through gunicorn's own validators; the nginx files are read by a
small parser (no nginx needed) for the values the slow-client protection depends on. Where
nginx is installed, ``nginx -t`` checks the proxy snippet as the benchmark serves it.
"""

from __future__ import annotations

import re
import runpy
import shutil
import subprocess
from pathlib import Path

import pytest
from gunicorn.config import Config

from caretime.workplace.request_log import AccessLogger, is_worker_report_path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PROXY = DEPLOY / "nginx" / "caretime-proxy.conf"
SITE = DEPLOY / "nginx" / "caretime.conf"


def gunicorn_config() -> Config:
    """deploy/gunicorn.conf.py applied as gunicorn applies a config file: every name must be
    a gunicorn setting and pass its validator."""
    config = Config()
    for name, value in runpy.run_path(str(DEPLOY / "gunicorn.conf.py")).items():
        if name.startswith("__"):
            continue
        assert name in config.settings, f"{name} is not a gunicorn setting"
        config.set(name, value)
    return config


def nginx_directives(path: Path) -> list[tuple[tuple[str, ...], list[str]]]:
    """Each directive of an nginx file as (the blocks it is in, its words); braces checked."""
    text = re.sub(r"#[^\n]*", "", path.read_text())
    found: list[tuple[tuple[str, ...], list[str]]] = []
    blocks: list[str] = []
    words: list[str] = []
    for token in re.findall(r"""[{};]|"[^"]*"|'[^']*'|[^\s{};]+""", text):
        if token == ";":
            assert words, f"{path}: an empty statement"
            found.append((tuple(blocks), words))
            words = []
        elif token == "{":
            assert words, f"{path}: a block without a name"
            blocks.append(" ".join(words))
            words = []
        elif token == "}":
            assert blocks, f"{path}: an unmatched closing brace"
            assert not words, f"{path}: a directive without its semicolon"
            blocks.pop()
        else:
            words.append(token.strip("\"'"))
    assert not blocks, f"{path}: unclosed {blocks}"
    assert not words, f"{path}: unfinished {words}"
    return found


def directive(path: Path, name: str, block: tuple[str, ...] = ()) -> list[str]:
    values = [words[1:] for blocks, words in nginx_directives(path) if blocks == block and words[0] == name]
    assert len(values) == 1, f"{path}: {name} in {block or 'the top level'} {len(values)} times"
    return values[0]


def seconds(value: str) -> int:
    match = re.fullmatch(r"(\d+)(s|m)?", value)
    assert match, value
    return int(match[1]) * (60 if match[2] == "m" else 1)


def test_gunicorn_config_is_valid_and_safe_only_behind_the_proxy() -> None:
    config = gunicorn_config()
    assert config.worker_class_str == "sync"
    assert config.workers == 4
    assert all(address.startswith("127.0.0.1:") for address in config.bind), "gunicorn must not face the network"
    assert config.logger_class is AccessLogger


def test_nginx_snippet_buffers_requests_and_times_out_slow_clients() -> None:
    assert directive(PROXY, "proxy_request_buffering") == ["on"]
    assert directive(PROXY, "proxy_buffering") == ["on"]
    for name in ("client_header_timeout", "client_body_timeout", "send_timeout"):
        assert seconds(directive(PROXY, name)[0]) <= 30, name
    assert seconds(directive(PROXY, "proxy_read_timeout")[0]) > gunicorn_config().timeout


def test_nginx_snippet_sends_every_request_to_the_app_with_its_scheme() -> None:
    directives = nginx_directives(PROXY)
    headers = {words[1]: words[2] for blocks, words in directives if blocks == () and words[0] == "proxy_set_header"}
    assert headers["X-Forwarded-Proto"] == "$scheme"  # SECURE_PROXY_SSL_HEADER
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"  # TRUSTED_PROXY_HOPS=1
    locations = [blocks[0] for blocks, words in directives if len(blocks) == 1 and words[0] == "proxy_pass"]
    assert "location /" in locations
    passes = {words[1] for blocks, words in directives if words[0] == "proxy_pass"}
    assert passes == {"http://caretime_app"}


def test_nginx_site_points_at_gunicorn_and_includes_the_snippet() -> None:
    upstream = directive(SITE, "server", ("upstream caretime_app",))
    assert upstream == gunicorn_config().bind
    servers = [blocks for blocks, words in nginx_directives(SITE) if words[0] == "include"]
    assert servers == [("server",)]
    assert directive(SITE, "include", ("server",)) == ["snippets/caretime-proxy.conf"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/worker-reports",
        "/clinics/12/pt/workplace-report/",
        "/clinics/12/pt/",
        "/clinics/?near=60614",
        "/api/v1/clinics",
    ],
)
def test_nginx_leaves_out_of_its_log_exactly_the_paths_the_app_leaves_out(path: str) -> None:
    unlogged = []
    for blocks, words in nginx_directives(PROXY):
        if words == ["access_log", "off"]:
            location = blocks[0].split()[1:]
            unlogged.append(location)

    def not_logged(location: list[str]) -> bool:
        if location[0] == "~":
            return re.match(location[1], path) is not None
        return path.startswith(location[0])

    assert any(not_logged(location) for location in unlogged) == is_worker_report_path(path)


@pytest.mark.skipif(
    shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists(), reason="nginx not installed"
)
def test_nginx_accepts_the_snippet(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nevents {{}}\nhttp {{\n"
        + "".join(
            f"  {kind}_temp_path {tmp_path / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + "  upstream caretime_app { server 127.0.0.1:8000; }\n"
        f"  server {{ listen 127.0.0.1:8080; include {PROXY}; }}\n}}\n"
    )
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
