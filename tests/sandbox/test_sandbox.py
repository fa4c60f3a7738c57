"""``stretchbot sandbox`` and ``make run`` without a token, driven as a person at a terminal
would: a subprocess, its stdin and its stdout (a pipe, so the transcript is plain text)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import NO_TOKEN_NOTICE
from bot.core.session import compile_script
from tests.factories import PHYSIO_ROUTINE, REPO, cue_texts, routines
from tests.sandbox.driver import launch, sandbox_env

#: The default reminder is at 09:00: three seconds of margin for the start-up and /start.
JUST_BEFORE_NINE = "08:59:57"


async def test_whole_routine_in_the_terminal(tmp_path: Path) -> None:
    """At --speed 50, /start then start show the welcome, then every cue of the routine in
    order to the completion, and /quit exits 0 with nothing on stderr."""
    routine = routines().default
    script = compile_script(routine)
    async with launch(tmp_path, "--speed", "50") as sandbox:
        sandbox.say("/start")
        welcome = await sandbox.expect("I help people who sit all day")
        assert "consult your medical practitioner" in welcome.text
        assert "Reply start" in welcome.text
        sandbox.say("start")
        session = await sandbox.read_until("Well done", timeout=30)
        code = await sandbox.finish()
        stderr = sandbox.stderr

    question, *messages = [entry for entry in session if entry.is_message]
    # The pain check comes first, its 0–10 buttons rendered as in any message.
    assert question.text.startswith("How is your back right now")
    assert question.buttons == [
        "[1] 0  [2] 1  [3] 2  [4] 3  [5] 4  [6] 5",
        "[7] 6  [8] 7  [9] 8  [10] 9  [11] 10  [12] Skip",
    ]
    # The coaching buttons render too: "it hurts" on holds, feedback on an adapting release.
    hold = next(m for m in messages if "Hold for" in m.text)
    assert hold.buttons == ["[1] 🛑 Stop — it hurts"]
    release = next(m for m in messages if m.text.startswith("Release"))
    assert release.buttons == ["[1] 😌 Too easy  [2] 👌 Just right  [3] 😣 Too hard"]
    # A picture's line (its file) stands above its caption, the step.
    said = [message.text.split("\n", 1)[-1] if "🖼" in message.text else message.text
            for message in messages]  # fmt: skip
    assert sum("🖼" in message.text for message in messages) == 7
    assert said[0].startswith(f"🧘 {routine.title}")
    assert said[:-1] == cue_texts(script)
    assert said[-1].startswith(f"✅ Well done — {routine.title} complete")
    # --speed 50 runs every hold and pause fifty times faster.
    expected = sum(cue.wait for cue in script) / 50
    assert abs((messages[-1].elapsed - messages[0].elapsed) - expected) < 1.0
    assert sandbox.lines[-1] == "Sandbox closed."
    assert code == 0
    assert stderr == ""


async def test_now_brings_the_default_reminder(tmp_path: Path) -> None:
    """--now 08:59:57 pretends it is three seconds to nine: the 09:00 reminder arrives within
    seconds, stamped with the pretended time."""
    async with launch(tmp_path, "--now", JUST_BEFORE_NINE, "--timezone", "Europe/Berlin") as sb:
        sb.say("/start")
        welcome = await sb.expect("I help people who sit all day")
        assert "every day at 09:00 (Europe/Berlin time)" in welcome.text
        assert "the first one is today at 09:00" in welcome.text
        reminder = await sb.expect("Time to look after your back", timeout=8)
        code = await sb.finish()
    assert reminder.time.startswith("09:00:0")
    assert reminder.elapsed < 8
    assert code == 0
    assert sb.stderr == ""


async def test_slash_number_presses_a_button(tmp_path: Path) -> None:
    """/1 presses the first button of the latest message with buttons (the reminder's Start
    now, which begins the routine); a number with no such button gets a local note."""
    title = routines().default.title
    async with launch(tmp_path, "--now", JUST_BEFORE_NINE, "--speed", "100") as sandbox:
        sandbox.say("/1")
        await sandbox.expect("/1: no message has buttons yet.")
        sandbox.say("/start")
        await sandbox.expect("I help people who sit all day")
        reminder = await sandbox.expect("Time to look after your back", timeout=8)
        assert reminder.buttons[0].startswith("[1] ▶️ Start now")
        sandbox.say("/99")
        await sandbox.expect("/99: no such button. The latest ones: [1] ▶️ Start now")
        sandbox.say("/1")
        await sandbox.expect("pressed [1] ▶️ Start now")
        edit = await sandbox.expect("(no buttons now)")
        intro = await sandbox.expect(f"🧘 {title}")
        code = await sandbox.finish()
    assert edit.tag == f"✎ {reminder.tag}"
    assert edit.text == "(no buttons now)"  # its text did not change: only that is shown
    assert intro.is_message
    assert code == 0
    assert sandbox.stderr == ""


async def test_at_presses_a_button_of_an_earlier_message(tmp_path: Path) -> None:
    """/3@N presses button 3 of message #N while later messages show buttons (the pain
    question, once the routine's holds have begun); a wrong button or message, or a message
    whose buttons are gone, gets a local note instead."""
    async with launch(tmp_path, "--speed", "10") as sandbox:
        sandbox.say("/start")
        await sandbox.expect("I help people who sit all day")
        sandbox.say("start")
        question = await sandbox.expect("How is your back right now")
        await sandbox.expect("Hold for")  # now the latest message with buttons
        number = int(question.tag.removeprefix("#"))
        sandbox.say(f"/30@{number}")
        await sandbox.expect(f"/30@{number}: no such button. #{number} has: [1] 0  [2] 1")
        sandbox.say(f"/1@{number - 1}")
        await sandbox.expect(f"/1@{number - 1}: #{number - 1} is not a message from the bot.")
        sandbox.say(f"/3@{number}")
        await sandbox.expect(f"pressed [3] 2 on #{number}")
        answered = await sandbox.expect("carry on) — 2")
        sandbox.say(f"/3@#{number}")
        await sandbox.expect(f"/3@{number}: #{number} has no buttons now.")
        code = await sandbox.finish()
    assert answered.tag == f"✎ #{number}"
    assert code == 0
    assert sandbox.stderr == ""


async def test_files_the_bot_sends_are_saved(tmp_path: Path) -> None:
    """/export csv and /export send files: each is written to the --files folder, its path
    shown above the caption, and a second file of the same name keeps the first."""
    folder = tmp_path / "exports"
    async with launch(tmp_path, "--files", str(folder)) as sandbox:
        sandbox.say("/start")
        await sandbox.expect("I help people who sit all day")
        sandbox.say("/export csv")
        first = await sandbox.expect("📎 stretch-sessions-")
        sandbox.say("/export csv")
        second = await sandbox.expect("📎 stretch-sessions-")
        sandbox.say("/export")
        everything = await sandbox.expect("📎 stretchbot-")
        code = await sandbox.finish()
    report = next(folder.glob("stretch-sessions-*[0-9].csv"))
    again = report.with_name(f"{report.stem} (2).csv")
    data = next(folder.glob("stretchbot-*.json"))
    assert first.lines[0].endswith(f"→ saved as {report}")
    assert first.lines[1].startswith("Your sessions as a spreadsheet")  # the caption, below
    assert second.lines[0].endswith(f"→ saved as {again}")
    assert everything.lines[0].endswith(f"→ saved as {data}")
    assert report.read_bytes().startswith("\ufeffdate,".encode())
    assert again.read_bytes() == report.read_bytes()
    assert json.loads(data.read_text(encoding="utf-8"))
    assert code == 0
    assert sandbox.stderr == ""


async def test_a_file_that_cannot_be_saved_does_not_end_the_chat(tmp_path: Path) -> None:
    """When the --files folder cannot be made (a file is in its place), the message says the
    file was not saved and the chat goes on."""
    blocked = tmp_path / "taken"
    blocked.write_text("not a folder", encoding="utf-8")
    async with launch(tmp_path, "--files", str(blocked)) as sandbox:
        sandbox.say("/start")
        await sandbox.expect("I help people who sit all day")
        sandbox.say("/export csv")
        failed = await sandbox.expect("📎 stretch-sessions-")
        sandbox.say("/start")
        await sandbox.expect("You're already set up")
        code = await sandbox.finish()
    assert " — not saved: " in failed.lines[0]
    assert code == 0
    assert sandbox.stderr == ""


async def test_send_uploads_a_local_file(tmp_path: Path) -> None:
    """/send PATH sends the file as the user's document (a physio's routine, saved as their
    own); a missing file gets a friendly local note, not a traceback or a bot reply."""
    routine = tmp_path / "sam routine.toml"
    routine.write_text(PHYSIO_ROUTINE, encoding="utf-8")
    async with launch(tmp_path) as sandbox:
        sandbox.say("/start")
        await sandbox.expect("I help people who sit all day")
        sandbox.say("/send missing.toml")
        missing = await sandbox.expect("/send: there is no file missing.toml")
        sandbox.say(f'/send "{routine}"')
        await sandbox.expect("sent sam routine.toml · ")
        saved = await sandbox.expect("as your own routine")
        code = await sandbox.finish()
    assert missing.tag == "»"
    assert "Desk stretches from Sam" in saved.text
    assert saved.is_message
    assert code == 0
    assert sandbox.stderr == ""


async def test_ctrl_c_ends_cleanly(tmp_path: Path) -> None:
    """Ctrl-C (SIGINT) stops the bot and the emulator in order: exit 0, no traceback, no
    pending-task warning."""
    async with launch(tmp_path) as sandbox:
        sandbox.say("/start")
        await sandbox.expect("I help people who sit all day")
        sandbox.process.send_signal(signal.SIGINT)
        code = await sandbox.finish(say=None)
    assert sandbox.lines[-1] == "Sandbox closed."
    assert code == 0
    assert sandbox.stderr == ""


def test_make_run_without_a_token_starts_the_sandbox(tmp_path: Path) -> None:
    """`make run` with no .env and no token prints the banner, runs the sandbox and, at the
    end of input, exits cleanly (the install stamp is pinned so nothing is reinstalled)."""
    make = shutil.which("make")
    venv = Path(sys.prefix)
    if make is None or not (venv / "bin" / "stretchbot").exists():
        pytest.skip("needs make and the virtualenv's stretchbot script")
    result = subprocess.run(
        [make, "--no-print-directory", "-o", f"{venv}/.installed", "run", f"VENV={venv}"],
        cwd=REPO,
        env=sandbox_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.startswith(f"{NO_TOKEN_NOTICE}\n"), result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "Stretch Bot sandbox" in lines
    assert lines[-1] == "Sandbox closed."
    assert result.returncode == 0
    assert result.stderr == ""


async def test_a_picture_shows_its_path_above_its_caption(tmp_path: Path) -> None:
    """An exercise's picture is saved once to the files folder and shown by its path above
    the caption (the first step); the next session's re-send shows the same file."""
    folder = tmp_path / "files"
    async with launch(tmp_path, "--speed", "50", "--files", str(folder)) as sandbox:
        sandbox.say("/start")
        await sandbox.expect("I help people who sit all day")
        sandbox.say("/pain off")
        await sandbox.expect("won't ask")
        sandbox.say("/go quick")
        first = await sandbox.expect("🖼 desk-hip-flexor.png")
        sandbox.say("stop")
        await sandbox.expect("Session stopped")
        sandbox.say("/go quick")
        again = await sandbox.expect("🖼 desk-hip-flexor.png")
        sandbox.say("stop")
        await sandbox.expect("Session stopped")
        code = await sandbox.finish()
    picture = folder / "desk-hip-flexor.png"
    assert first.lines[0].endswith(f"→ saved as {picture}")
    assert first.lines[1].startswith("Stand behind your chair, hands on its back.")
    assert again.lines[0].endswith(f"→ {picture}")
    assert picture.read_bytes() == (REPO / "content/images/desk-hip-flexor.png").read_bytes()
    assert [path.name for path in folder.iterdir()] == ["desk-hip-flexor.png"]
    assert code == 0
    assert sandbox.stderr == ""


async def test_a_work_days_end_of_breaks(tmp_path: Path) -> None:
    """--speed 600 --now 16:59:48: /breaks 20 brings a prompt every 2 seconds until 17:00,
    with its five buttons; then /breaks says the next comes tomorrow, after the 09:00 reminder's
    quiet half hour."""
    args = ("--speed", "600", "--now", "16:59:48", "--timezone", "Europe/Berlin")
    async with launch(tmp_path, *args) as sb:
        sb.say("/start")
        await sb.expect("I help people who sit all day")
        sb.say("/breaks 20")
        await sb.expect("Micro-breaks: every 20 minutes")
        seen = [await sb.expect("Time for a short break", timeout=8)]
        while seen[-1].time < "16:59:58":
            seen.append(await sb.expect("Time for a short break", timeout=8))
        sb.say("/breaks")
        shown = await sb.expect("Micro-breaks: every 20 minutes")
        code = await sb.finish()
    assert len(seen) >= 4
    assert all(entry.time < "17:00:01" for entry in seen)
    assert seen[0].buttons == [
        "[1] ▶️ Start the short break",
        "[2] ✅ Done  [3] ⏰ In 10 min",
        "[4] 🙅 Not now  [5] 📅 In a meeting",
    ]
    assert "Next break: tomorrow at 09:30" in shown.text
    assert code == 0
