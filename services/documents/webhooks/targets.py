"""Which webhook URLs are acceptable: http(s) only, and no internal addresses (SSRF)."""

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from services.common.errors import Unprocessable


class TargetRefused(Exception):
    """The URL points somewhere a delivery must not go; the message is for people."""


def _internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_syntax(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise TargetRefused("回调地址须为 http:// 或 https:// 开头的完整网址。")
    if parts.username or parts.password:
        raise TargetRefused("回调地址不能包含用户名或密码。")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise TargetRefused("回调地址的端口无效。") from None
    return parts.hostname, port


async def check(url: str, *, allow_private: bool) -> None:
    """Refuse bad schemes always; internal addresses unless ``allow_private`` (tests).

    Checked when registering and again before every attempt, since DNS may change.
    """
    host, port = check_syntax(url)
    if allow_private:
        return
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError:
        raise TargetRefused(f"无法解析回调地址的主机名 {host}。") from None
    if not found or any(_internal(str(info[4][0])) for info in found):
        raise TargetRefused("回调地址指向本机或内部网络地址，不予接受。")


async def check_for_caller(url: str, *, allow_private: bool) -> None:
    try:
        await check(url, allow_private=allow_private)
    except TargetRefused as refused:
        raise Unprocessable(f"url：{refused}", code="webhook-url-refused") from None
