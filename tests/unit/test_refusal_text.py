"""A refusal's words: user text in its parameters is escaped for a chat message (HTML) and left as
typed for a press's alert (plain text)."""

from backend.errors import Refused
from bot.guard import refusal_text


def test_user_text_is_escaped_in_a_message_and_kept_in_an_alert() -> None:
    refused = Refused("invites.bad_scope.facilitator", scope="<b>hq</b> & co")
    in_chat = refusal_text(refused, "en", html=True)
    in_alert = refusal_text(refused, "en", html=False)
    assert "&lt;b&gt;hq&lt;/b&gt; &amp; co" in in_chat and "<b>hq</b>" not in in_chat
    assert "<b>hq</b> & co" in in_alert
