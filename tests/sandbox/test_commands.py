"""The sandbox's own commands: which lines it keeps, and which go to the bot."""

from __future__ import annotations

import pytest

from bot.sandbox.commands import Help, LocalCommand, Press, Quit, SendFile, parse_local


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("/3", Press(3)),
        ("/3@12", Press(3, 12)),
        ("/3@#12", Press(3, 12)),
        ("/quit", Quit()),
        ("/EXIT", Quit()),
        ("/sandbox", Help()),
        ("/send my-routine.toml", SendFile("my-routine.toml")),
        ("/send   ~/Physio Plan.toml ", SendFile("~/Physio Plan.toml")),
        ("/send '/tmp/with space.toml'", SendFile("/tmp/with space.toml")),
        ('/SEND "a.toml"', SendFile("a.toml")),
        ("/send", SendFile("")),
    ],
)
def test_local_commands(line: str, command: LocalCommand) -> None:
    """Button presses (the latest message's, or any message's with @id), /send with a path
    (quotes pasted around it removed), /sandbox and /quit are the sandbox's own."""
    assert parse_local(line) == command


@pytest.mark.parametrize(
    "line",
    ["start", "/start", "/3@stretchbot", "/3@", "/1234", "/sendfile x", "/send@bot x", "3"],
)
def test_everything_else_goes_to_the_bot(line: str) -> None:
    """Commands the bot knows, a command for a named bot and plain words are messages."""
    assert parse_local(line) is None


def test_a_press_reads_back_as_typed() -> None:
    """Notes about a press quote it as the user typed it."""
    assert str(Press(3)) == "/3"
    assert str(Press(3, 12)) == "/3@12"
