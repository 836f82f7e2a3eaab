"""The server configuration in deploy/ is valid and agrees with itself and with the app.

gunicorn's settings go through gunicorn's own validators; the nginx files are read by a
small parser (no nginx needed) for the values the slow-client protection depends on. Where
nginx is installed, ``nginx -t`` checks the proxy snippet as the benchmark serves it.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import runpy
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from gunicorn.config import Config

from caretime.api.errors import PROXY_REFUSALS
from caretime.workplace.request_log import WORKER_REPORT_PATH, AccessLogger, is_worker_report_path
from tests.local_services import require

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
PROXY = DEPLOY / "nginx" / "caretime-proxy.conf"
SITE = DEPLOY / "nginx" / "caretime.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


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


def test_nginx_accepts_the_snippet(tmp_path: Path) -> None:
    """As the benchmark serves it: the snippet alone in a server of its own."""
    require(NGINX is not None, "nginx is not installed (apt-get install nginx)")
    nginx = str(NGINX)
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


def test_nginx_writes_no_log_line_about_worker_reports_by_its_configuration() -> None:
    """What the served test below shows, read from the files, for what it cannot send (an
    IPv6 client, another status): the site's access log leaves out exactly the app's
    worker-report paths, on every server; those paths' locations write no error log; every
    server's error log leaves out what nginx writes before it has chosen a location."""
    map_block = "map $uri $caretime_access_log"
    entries = {words[0]: words[1] for blocks, words in nginx_directives(SITE) if blocks == (map_block,)}
    assert entries == {f"~{WORKER_REPORT_PATH.pattern}": "0", "default": "1"}
    servers = [blocks for blocks, words in nginx_directives(SITE) if blocks == ("server",) and words[0] == "listen"]
    assert len(servers) == 4  # two servers, IPv4 and IPv6 each
    site = [words for blocks, words in nginx_directives(SITE) if blocks == ("server",)]
    access_logs = [words[1:] for words in site if words[0] == "access_log"]
    assert len(access_logs) == 2
    assert all(words[-1] == "if=$caretime_access_log" for words in access_logs)
    error_logs = [words[1:] for words in site if words[0] == "error_log"]
    assert len(error_logs) == 2
    assert all(words[-1] in ("warn", "error", "crit") for words in error_logs)
    unlogged = {
        blocks[0]: words[1:]
        for blocks, words in nginx_directives(PROXY)
        if len(blocks) == 1 and words[0] == "error_log"
    }
    assert unlogged == {
        "location /api/v1/worker-reports": ["/dev/null"],
        "location ~ ^/clinics/\\d+/[a-z]+/workplace-report/": ["/dev/null"],
    }


def test_nginx_error_pages_are_the_api_error_shape_on_api_paths_and_hide_the_version() -> None:
    directives = nginx_directives(PROXY)
    pages: dict[int, str] = {}
    for blocks, words in directives:
        if blocks == () and words[0] == "error_page":
            pages |= dict.fromkeys(map(int, words[1:-1]), words[-1])
    assert set(pages) == {400, 494, *PROXY_REFUSALS}
    for status, refusal in PROXY_REFUSALS.items():
        page = pages[status]
        location = f"location {page}" if page.startswith("@") else f"location = {page}"
        returned = [words[1:] for blocks, words in directives if blocks == (location,) and words[0] == "return"]
        assert returned == [[str(status), json.dumps(refusal.body())]], status
        fallback = [words[1:] for blocks, words in directives if blocks[:1] == (location,) and len(blocks) == 2]
        assert fallback == [[str(status)]], status  # nginx's HTML page elsewhere
    assert directive(PROXY, "server_tokens") == ["off"]
    # The plain-HTTP server, which only redirects, answers TRACE the same way.
    assert directive(SITE, "server_tokens", ("server",)) == ["off"]
    assert directive(SITE, "return", ("server", "location @caretime_405")) == [
        "405",
        json.dumps(PROXY_REFUSALS[405].body()),
    ]


# The site as deployed, served for real: deploy/nginx/caretime.conf with only its addresses,
# certificate and log paths replaced, including deploy/nginx/caretime-proxy.conf unchanged, in
# front of a stand-in app server. CI installs nginx (.ci/run), so there this never skips.

WORKER_PATHS = ("/api/v1/worker-reports", "/clinics/12/pt/workplace-report/")


class StandInApp(BaseHTTPRequestHandler):
    """Answers like an app server: JSON naming the Host it was sent; a path ending in /drop
    closes the connection unanswered (an app server that failed); /api/v1/app-503 is the app's
    own 503 with Retry-After, which nginx must pass on untouched."""

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.endswith("/drop"):
            self.close_connection = True
            return
        status = 503 if self.path == "/api/v1/app-503" else 200
        body = json.dumps({"host": self.headers.get("Host"), "from": "app"}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if status == 503:
            self.send_header("Retry-After", "30")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass(frozen=True)
class Site:
    https_port: int
    http_port: int
    logs: Path

    def request(self, raw: bytes, *, tls: bool = True) -> tuple[int, dict[str, str], bytes]:
        """Send ``raw`` as it is, and read the answer: status, headers (lower-case names), body."""
        port = self.https_port if tls else self.http_port
        sock: socket.socket = socket.create_connection(("127.0.0.1", port), timeout=10)
        if tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            sock = context.wrap_socket(sock, server_hostname="caretime.example")
        with sock:
            sock.sendall(raw)
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value.strip() for name, value in (line.split(":", 1) for line in lines[1:])}
        return int(lines[0].split()[1]), headers, body

    def call(
        self, method: str, path: str, *, body: bytes = b"", headers: dict[str, str] | None = None, tls: bool = True
    ) -> tuple[int, dict[str, str], bytes]:
        fields = {"Host": f"127.0.0.1:{self.https_port if tls else self.http_port}", "Connection": "close"}
        fields |= headers or {}
        if body or method in ("POST", "PUT"):
            fields.setdefault("Content-Length", str(len(body)))
            fields.setdefault("Content-Type", "application/json")
        head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items()) + "\r\n"
        return self.request(head.encode("latin-1") + body, tls=tls)

    def log_text(self) -> str:
        return "".join(path.read_text() for path in sorted(self.logs.iterdir()))


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "caretime.example")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} is not in {SITE.name} once"
    return text.replace(old, new)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    require(NGINX is not None, "nginx is not installed (apt-get install nginx)")
    assert NGINX is not None
    directory = tmp_path_factory.mktemp("nginx")
    logs = directory / "logs"
    logs.mkdir()
    (directory / "snippets").mkdir()
    shutil.copy(PROXY, directory / "snippets" / "caretime-proxy.conf")
    cert, key = self_signed(directory)
    app = ThreadingHTTPServer(("127.0.0.1", 0), StandInApp)
    threading.Thread(target=app.serve_forever, daemon=True).start()
    https_port, http_port = free_port(), free_port()
    text = SITE.read_text()
    text = replaced(text, "server 127.0.0.1:8000;", f"server 127.0.0.1:{app.server_address[1]};")
    text = replaced(text, "    listen 80;\n    listen [::]:80;\n", f"    listen 127.0.0.1:{http_port};\n")
    text = replaced(
        text,
        "    listen 443 ssl http2;\n    listen [::]:443 ssl http2;\n",
        f"    listen 127.0.0.1:{https_port} ssl http2;\n",
    )
    text = replaced(text, "/etc/letsencrypt/live/caretime.example/fullchain.pem", str(cert))
    text = replaced(text, "/etc/letsencrypt/live/caretime.example/privkey.pem", str(key))
    text = text.replace("/var/log/nginx/", f"{logs}/")
    (directory / "caretime.conf").write_text(text)
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "".join(
        f"  {kind}_temp_path {directory / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As Debian's /etc/nginx/nginx.conf, with its error log at `info` to catch what the site's
    # own settings would let through.
    (directory / "nginx.conf").write_text(
        f"{user}pid {directory / 'nginx.pid'};\nerror_log {logs / 'main.error.log'} info;\ndaemon off;\n"
        f"events {{}}\nhttp {{\n{temp}  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  access_log {logs / 'main.access.log'};\n  include {directory / 'caretime.conf'};\n}}\n"
    )
    command = [NGINX, "-p", str(directory), "-e", str(logs / "main.error.log"), "-c", str(directory / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", https_port), timeout=1):
                break
            time.sleep(0.05)
        yield Site(https_port=https_port, http_port=http_port, logs=logs)
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        app.shutdown()


def assert_api_error(answer: tuple[int, dict[str, str], bytes], status: int) -> None:
    code, headers, body = answer
    assert code == status, (code, body[:300])
    assert headers["content-type"] == "application/json"
    assert body == json.dumps(PROXY_REFUSALS[status].body()).encode()


def assert_html_error(answer: tuple[int, dict[str, str], bytes], status: int) -> None:
    code, headers, body = answer
    assert code == status, (code, body[:300])
    assert headers["content-type"] == "text/html"
    assert b"<html>" in body


def test_nginx_answers_its_own_refusals_on_api_paths_in_the_api_error_shape(site: Site) -> None:
    too_large = {"Content-Length": str(2 * 1024 * 1024)}
    assert_api_error(site.call("POST", "/api/v1/clinics/1/call-reports", headers=too_large), 413)
    assert_html_error(site.call("POST", "/clinics/near-me/", headers=too_large), 413)
    assert_api_error(site.call("GET", "/api/v1/clinics?near=" + "x" * 9000), 414)
    assert_html_error(site.call("GET", "/clinics/?near=" + "x" * 9000), 414)
    big_cookie = {"Cookie": "a=" + "x" * 9000}
    assert_api_error(site.call("GET", "/api/v1/clinics", headers=big_cookie), 400)
    assert_html_error(site.call("GET", "/clinics/", headers=big_cookie), 400)
    assert_api_error(site.call("GET", "/api/v1/clinics/drop"), 502)
    assert_html_error(site.call("GET", "/clinics/drop"), 502)


def test_nginx_refuses_trace_with_allow_and_shows_no_version(site: Site) -> None:
    _, headers, _ = api = site.call("TRACE", "/api/v1/clinics")
    assert_api_error(api, 405)
    assert headers["allow"] == "GET, HEAD, POST, DELETE"
    _, headers, body = page = site.call("TRACE", "/about/")
    assert_html_error(page, 405)
    assert headers["allow"] == "GET, HEAD, POST, DELETE"
    assert headers["server"] == "nginx"
    assert b"nginx/" not in body
    assert site.call("GET", "/clinics/", tls=False)[1]["server"] == "nginx"
    _, headers, _ = plain = site.call("TRACE", "/api/v1/clinics", tls=False)
    assert_api_error(plain, 405)
    assert headers["allow"] == "GET, HEAD, POST, DELETE"
    status, headers, _ = site.call("GET", "/api/v1/clinics?near=60614", tls=False)
    assert (status, headers["location"]) == (301, "https://127.0.0.1/api/v1/clinics?near=60614")


def test_nginx_passes_the_apps_answers_on_with_the_host_as_sent(site: Site) -> None:
    status, headers, body = site.call("GET", "/api/v1/app-503")
    assert (status, headers["retry-after"], json.loads(body)["from"]) == (503, "30", "app")
    status, _, body = site.call("GET", "/api/v1/clinics")
    # The port is kept, so the app sees the origin the browser sees (CSRF, same-site checks).
    assert json.loads(body) == {"host": f"127.0.0.1:{site.https_port}", "from": "app"}


def test_nginx_logs_nothing_about_worker_reports_whatever_the_answer(site: Site) -> None:
    """No line in any log, access or error, for a worker report: answered, refused for its
    size, lost by the app server, or sent as TRACE or over plain HTTP. The same requests on
    another path are logged, so the logs are being written."""

    def send_all(path: str) -> None:
        site.call("POST", path, body=b"{}")
        site.call("POST", path, headers={"Content-Length": str(2 * 1024 * 1024)})
        site.call("POST", path + "drop", body=b"{}")
        site.call("TRACE", path)
        site.call("POST", path, body=b"{}", tls=False)

    for path in WORKER_PATHS:
        send_all(path)
    send_all("/api/v1/clinics/")
    time.sleep(0.2)
    logged = site.log_text()
    assert "worker-reports" not in logged
    assert "workplace-report" not in logged
    assert "/api/v1/clinics/drop" in logged  # the access log
    assert (
        "upstream prematurely closed connection while reading response header from upstream, client: 127.0.0.1"
        in logged
    )
    assert "client intended to send too large body" in logged


def test_gunicorn_never_refuses_what_nginx_passes_on() -> None:
    """gunicorn's refusals are HTML pages of its own; nginx's limits, in the API's error shape,
    must be the ones a client meets (what nginx passes on was measured: a request line of
    8,190 characters at most with 8 kB buffers, about 1,000 header lines)."""
    config = gunicorn_config()
    assert directive(PROXY, "large_client_header_buffers") == ["4", "8k"]
    assert config.limit_request_line == 8190
    assert config.limit_request_field_size >= 2 * 8192  # a header line, and X-Forwarded-For grows
    assert config.limit_request_fields == 32768


class _Server:
    def __init__(self, config: Config) -> None:
        self.cfg = config


@pytest.mark.parametrize("given", [None, "/run/caretime/one.ctl"])
def test_each_gunicorn_has_a_control_socket_of_its_own(given: str | None) -> None:
    sockets = []
    for port in (8000, 8001):
        config = gunicorn_config()
        config.set("bind", [f"127.0.0.1:{port}"])
        if given:
            config.set("control_socket", given)
        hook = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["on_starting"]
        hook(_Server(config))
        sockets.append(config.control_socket)
    if given:
        assert sockets == [given, given]  # as the operator said
    else:
        assert sockets[0] != sockets[1]
        assert sockets[0].endswith("caretime-127.0.0.1-8000.ctl")


# A worker as gunicorn starts one: the application loaded (the places of every ZIP code and
# city with it), then the config's hook; then what the garbage collector still walks.
_WORKER_STARTS = """
import gc, runpy, sys
import caretime.wsgi
from caretime.core.places import _zip_index
runpy.run_path(sys.argv[1])["post_worker_init"](None)
walked = {id(o) for o in gc.get_objects()}
rows = list(_zip_index().values())
print(len(rows), sum(id(row) in walked for row in rows), len(walked), gc.get_freeze_count())
cycle = []
cycle.append(cycle)
del cycle
print(gc.collect())
"""


def test_a_worker_sets_what_it_keeps_for_life_apart_from_the_garbage_collector(tmp_path: Path) -> None:
    """Python's full collections walk every object a process holds: in a worker that is the
    places of every ZIP code and city and the directory's index, some 600,000 objects, about
    400 ms of someone's request each time. Once a worker has started, the collector no longer
    walks them, and still collects what requests leave behind."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # An empty database: the index is not built (the hook logs it), the places are loaded.
    env.update(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    env.update(DJANGO_SETTINGS_MODULE="caretime.settings")
    done = subprocess.run(
        [sys.executable, "-c", _WORKER_STARTS, str(DEPLOY / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    kept, kept_walked, walked, set_apart, collected = map(int, done.stdout.split())
    assert kept > 30_000  # the ZIP codes with a place
    assert kept_walked == 0
    assert set_apart > 10 * walked
    assert collected >= 1  # the cycle made after the start
