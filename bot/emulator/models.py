"""Plain data the emulator keeps and hands to tests: users, chats, bot messages, logs, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]


@dataclass(frozen=True)
class EmulatedUser:
    """A human Telegram user played by a test; their private chat with the bot has the same id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    @property
    def chat_id(self) -> int:
        """The id of this user's private chat with the bot."""
        return self.id

    def to_api(self) -> JSON:
        """The Bot API ``User`` object."""
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user


@dataclass
class ChatState:
    """A chat the emulator knows: a user's private chat, or a group the test created."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    user: EmulatedUser | None = None
    member_ids: list[int] = field(default_factory=list)
    admin_ids: list[int] = field(default_factory=list)
    #: The reply keyboard the bot's messages put under the input field (a
    #: ``ReplyKeyboardMarkup``) until one with ``remove_keyboard`` takes it away.
    reply_keyboard: JSON | None = None

    def to_api(self) -> JSON:
        """The Bot API ``Chat`` object."""
        chat: JSON = {"id": self.id, "type": self.type}
        if self.user is not None:
            chat["first_name"] = self.user.first_name
            if self.user.last_name:
                chat["last_name"] = self.user.last_name
            if self.user.username:
                chat["username"] = self.user.username
        else:
            chat["title"] = self.title
            if self.username:
                chat["username"] = self.username
        return chat


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part, with its bytes (so a test can read what the bot sent)."""

    name: str
    filename: str
    content_type: str
    data: bytes = field(default=b"", repr=False)


@dataclass(frozen=True)
class StoredFile:
    """A file a user sent: what getFile describes and the file URL serves."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class SentDocument:
    """A document the bot sent (sendDocument); ``data`` is empty when sent by file_id or URL."""

    file_id: str
    file_unique_id: str
    file_name: str | None
    mime_type: str | None
    data: bytes = field(default=b"", repr=False)

    def to_api(self) -> JSON:
        document: JSON = {"file_id": self.file_id, "file_unique_id": self.file_unique_id}
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        if self.data:
            document["file_size"] = len(self.data)
        return document


@dataclass(frozen=True)
class PhotoSizeSent:
    """One size of a photo the bot sent (the Bot API's ``PhotoSize``)."""

    file_id: str
    file_unique_id: str
    width: int
    height: int
    file_size: int

    def to_api(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": self.file_size,
        }


@dataclass(frozen=True)
class SentPhoto:
    """A photo the bot sent (sendPhoto): its sizes, smallest first, and its bytes (those of
    the upload, also on a re-send by file_id); ``uploaded`` tells which of the two it was."""

    sizes: tuple[PhotoSizeSent, ...]
    data: bytes = field(default=b"", repr=False)
    mime_type: str | None = None
    #: The bytes came with this message (an upload), not a file_id (a re-send).
    uploaded: bool = True
    #: The upload's file name, which Telegram does not keep (not in the API): for the sandbox.
    file_name: str | None = None

    @property
    def file_id(self) -> str:
        """The largest size's file_id: what a bot keeps to re-send the photo."""
        return self.sizes[-1].file_id

    @property
    def file_ids(self) -> frozenset[str]:
        return frozenset(size.file_id for size in self.sizes)

    @property
    def width(self) -> int:
        return self.sizes[-1].width

    @property
    def height(self) -> int:
        return self.sizes[-1].height

    def to_api(self) -> list[JSON]:
        return [size.to_api() for size in self.sizes]


@dataclass(frozen=True)
class MessageEdit:
    """One successful edit of a bot message, as it looked right after that edit."""

    at: float
    date: int
    text: str
    entities: list[JSON]
    reply_markup: JSON | None


@dataclass(eq=False)
class BotMessage:
    """A message the bot sent; ``text``/``entities``/``reply_markup`` reflect the latest edit.

    ``sent_at`` and every ``MessageEdit.at`` are ``time.monotonic()`` taken when the emulator
    handled the request, so tests can measure delays between messages precisely.
    """

    chat_id: int
    message_id: int
    text: str
    entities: list[JSON]
    parse_mode: str | None
    reply_markup: JSON | None
    disable_notification: bool
    protect_content: bool
    sent_at: float
    date: int
    source_text: str
    link_preview_options: JSON | None = None
    reply_to_message_id: int | None = None
    edits: list[MessageEdit] = field(default_factory=list)
    deleted: bool = False
    deleted_at: float | None = None
    #: The plain text as first sent, before any edit.
    sent_text: str = ""
    #: For sendDocument: the file; ``text`` is then its caption.
    document: SentDocument | None = None
    #: For sendPhoto: the photo; ``text`` is then its caption.
    photo: SentPhoto | None = None
    #: Sent with allow_paid_broadcast=True (past the ordinary overall limit, for Stars).
    paid_broadcast: bool = False

    def __post_init__(self) -> None:
        if not self.sent_text:
            self.sent_text = self.text

    @property
    def edit_date(self) -> int | None:
        """Unix time of the last edit, as Telegram reports it, or None if never edited."""
        return self.edits[-1].date if self.edits else None

    @property
    def buttons(self) -> list[JSON]:
        """The inline keyboard buttons currently shown, row by row, flattened."""
        if not self.reply_markup or "inline_keyboard" not in self.reply_markup:
            return []
        return [button for row in self.reply_markup["inline_keyboard"] for button in row]

    @property
    def button_texts(self) -> list[str]:
        """Labels of the inline buttons currently shown."""
        return [str(button["text"]) for button in self.buttons]

    def find_button(self, *, text: str | None = None, data: str | None = None) -> JSON | None:
        """The first current inline button whose label and/or callback_data match, if any."""
        for button in self.buttons:
            if text is not None and button.get("text") != text:
                continue
            if data is not None and button.get("callback_data") != data:
                continue
            return button
        return None

    def describe(self) -> str:
        """One line for failure messages: id, text, buttons, edits, deletion."""
        line = f"#{self.message_id} {self.text!r}"
        if self.buttons:
            line += " buttons: " + " ".join(f"[{label}]" for label in self.button_texts)
        if self.edits:
            line += f" (edited {len(self.edits)}x)"
        if self.deleted:
            line += " (deleted)"
        return line


@dataclass(frozen=True)
class Described:
    """A method's result with the ``description`` Telegram adds to some successful answers
    (setWebhook's "Webhook was set"...)."""

    result: Any
    description: str


@dataclass(frozen=True)
class ApiRequest:
    """One HTTP call the bot made, with the time it arrived and the status it got."""

    method: str
    params: JSON
    at: float
    status: int
    description: str | None = None
    result: Any = None
    #: The caller's TCP port: tells several bot processes on one machine apart (benchmarks).
    peer_port: int | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery, tied to the button press it answers."""

    query_id: str
    chat_id: int | None
    message_id: int | None
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    at: float


@dataclass(frozen=True)
class ChatAction:
    """A sendChatAction call ("typing", ...)."""

    chat_id: int
    action: str
    at: float


@dataclass(frozen=True)
class MessageSent:
    """Event: the bot sent a new message."""

    message: BotMessage

    @property
    def chat_id(self) -> int:
        return self.message.chat_id


@dataclass(frozen=True)
class MessageEdited:
    """Event: the bot edited a message's text and/or keyboard."""

    message: BotMessage
    edit: MessageEdit

    @property
    def chat_id(self) -> int:
        return self.message.chat_id


@dataclass(frozen=True)
class MessageDeleted:
    """Event: the bot deleted one of its (or the user's) messages."""

    chat_id: int
    message_id: int
    message: BotMessage | None


@dataclass(frozen=True)
class CallbackAnswered:
    """Event: the bot answered a button press (a toast or alert for the user)."""

    answer: CallbackAnswer

    @property
    def chat_id(self) -> int | None:
        return self.answer.chat_id


@dataclass(frozen=True)
class ChatActionSent:
    """Event: the bot showed a chat action such as "typing"."""

    action: ChatAction

    @property
    def chat_id(self) -> int:
        return self.action.chat_id


Event = MessageSent | MessageEdited | MessageDeleted | CallbackAnswered | ChatActionSent
