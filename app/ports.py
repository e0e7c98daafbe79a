"""Is a TCP port free, and if not, which process holds it (Linux ``/proc``)."""
from __future__ import annotations

import errno
import socket
from dataclasses import dataclass
from pathlib import Path

_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp


@dataclass(frozen=True)
class Holder:
    """A process listening on a port."""

    pid: int
    name: str
    command: str

    def describe(self) -> str:
        return f"{self.name} (pid {self.pid}: {self.command})"


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the servers do: a port whose last connections linger in TIME_WAIT is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def _listening_inodes(port: int, proc: Path) -> set[str]:
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (proc / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == _LISTEN and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def _read(path: Path) -> str:
    try:
        return path.read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _socket_links(fds: Path) -> set[str]:
    links: set[str] = set()
    try:
        entries = list(fds.iterdir())
    except OSError:  # gone, or another user's process
        return links
    for fd in entries:
        try:
            links.add(str(fd.readlink()))
        except OSError:  # closed since the listing
            continue
    return links


def port_holders(port: int, proc: Path = Path("/proc")) -> list[Holder]:
    """The processes listening on ``port`` that this user may inspect (pid order)."""
    sockets = {f"socket:[{inode}]" for inode in _listening_inodes(port, proc)}
    holders: list[Holder] = []
    if not sockets:
        return holders
    for entry in sorted(proc.iterdir(), key=lambda p: int(p.name) if p.name.isdigit() else -1):
        if not entry.name.isdigit():
            continue
        if _socket_links(entry / "fd") & sockets:
            holders.append(Holder(int(entry.name), _read(entry / "comm"), _read(entry / "cmdline")))
    return holders


def busy_port_message(name: str, host: str, port: int, holders: list[Holder]) -> str:
    """What to tell a user whose port is taken."""
    if holders:
        who = "held by " + ", ".join(holder.describe() for holder in holders)
    else:
        who = f"held by a process this user cannot see (try: ss -ltnp 'sport = :{port}')"
    return f"Port {port} on {host} for the {name} is already in use, {who}."
