"""The microblog's HTTP endpoints as Locust requests, each named after its metric path.

Request names are the `latency.<path>.*` paths of outcomes/metrics.py (`timeline_read`,
`post`, `like`, `comment`, `follow`, `chat_send`, `chat_history`, `chat_presence`,
`chat_friends`), so statistics come out per path however the URL varies (post ids,
cursors, conversations). Failed requests are counted by Locust; these functions then
return None rather than raise, so one failure does not end the user's task.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from locust.contrib.fasthttp import FastHttpSession, FastResponse

OK = range(200, 300)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def read_home_timeline(
    client: FastHttpSession, headers: dict[str, str], page_size: int, pages: int
) -> list[int]:
    """Read up to `pages` pages of the home timeline, following `next_cursor`; the post ids."""
    seen: list[int] = []
    cursor: str | None = None
    for _ in range(pages):
        query: dict[str, Any] = {"limit": page_size}
        if cursor is not None:
            query["cursor"] = cursor
        url = f"/timeline/home?{urlencode(query)}"
        page = _json(client.get(url, headers=headers, name="timeline_read"))
        if page is None:
            break
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    return seen


def publish(client: FastHttpSession, headers: dict[str, str], text: str) -> int | None:
    """Write a post (fan-out to followers starts behind it); its id."""
    post = _json(client.post("/posts", json={"text": text}, headers=headers, name="post"))
    return None if post is None else int(post["id"])


def like(client: FastHttpSession, headers: dict[str, str], post_id: int) -> None:
    client.put(f"/posts/{post_id}/like", headers=headers, name="like")


def comment(client: FastHttpSession, headers: dict[str, str], post_id: int, text: str) -> None:
    client.post(f"/posts/{post_id}/comments", json={"text": text}, headers=headers, name="comment")


def follow(client: FastHttpSession, headers: dict[str, str], account_id: int) -> None:
    client.put(f"/accounts/{account_id}/follow", headers=headers, name="follow")


def send_message(
    client: FastHttpSession, headers: dict[str, str], to: int, text: str, client_msg_id: str
) -> dict[str, Any] | None:
    """A direct message over HTTP (the recipient's live sockets get it pushed); the message."""
    body = {"to": to, "text": text, "client_msg_id": client_msg_id}
    message: dict[str, Any] | None = _json(
        client.post("/chat/messages", json=body, headers=headers, name="chat_send")
    )
    return message


def read_conversation(
    client: FastHttpSession, headers: dict[str, str], conversation: str, limit: int
) -> None:
    """The newest page of a conversation's history."""
    url = f"/chat/conversations/{conversation}/messages?{urlencode({'limit': limit})}"
    client.get(url, headers=headers, name="chat_history")


def choose_status(client: FastHttpSession, headers: dict[str, str], status: str) -> None:
    client.put("/chat/presence", json={"status": status}, headers=headers, name="chat_presence")


def friends_statuses(
    client: FastHttpSession, headers: dict[str, str], limit: int
) -> dict[int, str]:
    """The first page of friends, with the status each shows (`offline` when not connected)."""
    url = f"/chat/friends?{urlencode({'limit': limit})}"
    page = _json(client.get(url, headers=headers, name="chat_friends"))
    return {} if page is None else {item["account_id"]: item["status"] for item in page["items"]}


def _json(response: FastResponse) -> Any:
    return response.json() if response.status_code in OK else None
