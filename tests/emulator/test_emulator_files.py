"""Files: uploads by the bot (aiogram) and by users, getFile and the download route, file_id reuse."""

from __future__ import annotations

import io

import pytest
import pytest_asyncio
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile
from PIL import Image

from sandbox.emulator import RunningEmulator
from tests.emulator.conftest import TOKEN, USER_ID, RawCall

pytestmark = pytest.mark.asyncio


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest_asyncio.fixture
async def chat(emu: RunningEmulator) -> int:
    await emu.user(TOKEN, USER_ID).start()
    return USER_ID


async def test_send_document_then_get_file_and_download(bot: Bot, emu: RunningEmulator, chat: int) -> None:
    payload = "گزارش,1\n".encode() * 1000
    upload = BufferedInputFile(payload, "report.csv")
    sent = await bot.send_document(chat, upload, caption="<b>گزارش</b>", parse_mode="HTML")
    document = sent.document
    assert document is not None
    assert (document.file_name, document.file_size, document.mime_type) == ("report.csv", len(payload), "text/csv")
    assert sent.caption == "گزارش" and sent.caption_entities[0].type == "bold"
    file = await bot.get_file(document.file_id)
    assert file.file_path and file.file_size == len(payload)
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == payload
    again = await bot.send_document(chat, document.file_id)
    assert again.document is not None and again.document.file_id == document.file_id
    [first, second] = await emu.user(TOKEN, chat).messages()
    assert first["document"]["file_name"] == "report.csv" and second["message_id"] == first["message_id"] + 1


async def test_send_photo_reports_its_size_and_rejects_non_images(bot: Bot, chat: int) -> None:
    sent = await bot.send_photo(chat, BufferedInputFile(png(64, 48), "chart.png"))
    assert sent.photo is not None and (sent.photo[-1].width, sent.photo[-1].height) == (64, 48)
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(chat, BufferedInputFile(b"not an image", "x.png"))
    with pytest.raises(TelegramBadRequest, match="can't use file of type Photo as Document"):
        await bot.send_document(chat, sent.photo[-1].file_id)
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_voice(chat, "no-such-file-id")


async def test_caption_is_limited(api: RawCall, bot: Bot, chat: int) -> None:
    with pytest.raises(TelegramBadRequest, match="message caption is too long"):
        await bot.send_voice(chat, BufferedInputFile(b"OggS", "v.ogg"), caption="x" * 1025)
    status, body = await api("sendDocument", json={"chat_id": chat})
    assert (status, body["description"]) == (400, "Bad Request: there is no document in the request")


async def test_user_uploads_reach_the_bot(bot: Bot, emu: RunningEmulator, chat: int) -> None:
    user = emu.user(TOKEN, chat)
    document = await user.upload_document(b"%PDF-1.4", "plan.pdf", "application/pdf", caption="طرح")
    photo = await user.upload_photo(png(10, 20))
    voice = await user.upload_voice(b"OggS-voice", duration=3)
    assert document["document"]["mime_type"] == "application/pdf" and document["caption"] == "طرح"
    assert (photo["photo"][0]["width"], photo["photo"][0]["height"]) == (10, 20)
    assert voice["voice"]["duration"] == 3
    updates = await bot.get_updates(offset=-3)
    assert [u.message.content_type for u in updates if u.message] == ["document", "photo", "voice"]
    file = await bot.get_file(voice["voice"]["file_id"])
    downloaded = await bot.download_file(file.file_path or "")
    assert downloaded is not None and downloaded.read() == b"OggS-voice"
