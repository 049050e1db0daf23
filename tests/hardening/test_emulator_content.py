"""What the emulator lets a simulated user send for these tests: raw Message fields (stickers,
albums, documents held elsewhere) and file names exactly as typed."""

from __future__ import annotations

import pytest

from sandbox.emulator import EmulatorError
from tests.e2e.conftest import TOKEN
from tests.hardening.helpers import document


async def test_raw_fields_make_a_message_and_the_emulators_own_fields_stay(emulator) -> None:  # type: ignore[no-untyped-def]
    user = emulator.user(TOKEN, user_id=9401, first_name="کاربر")
    sticker = {
        "file_id": "CAAC1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    sent = await user.send_content({"sticker": sticker})
    assert sent["sticker"] == sticker and sent["from"]["id"] == 9401 and "text" not in sent
    album = await user.send_content(document("a.pdf", 10, media_group_id="g1"), text=None)
    assert album["media_group_id"] == "g1" and album["document"]["file_name"] == "a.pdf"
    queued = emulator.bot(TOKEN).updates.peek(10)
    assert [u["message"]["message_id"] for u in queued] == [sent["message_id"], album["message_id"]]
    for forged in ({"from": {"id": 1, "is_bot": False, "first_name": "x"}}, {"chat": {"id": 1}}, {"message_id": 5}):
        with pytest.raises(EmulatorError, match="may not set"):
            await user.send_content(forged)
    with pytest.raises(EmulatorError, match="text is empty"):
        await user.send_content({})


async def test_uploaded_file_names_arrive_as_typed(emulator) -> None:  # type: ignore[no-untyped-def]
    user = emulator.user(TOKEN, user_id=9402, first_name="کاربر")
    name = 'گزارش جلسه <نهایی> & "تأییدشده".pdf'
    sent = await user.upload_document(b"%PDF-1.4", filename=name, mime_type="application/pdf")
    assert sent["document"]["file_name"] == name
