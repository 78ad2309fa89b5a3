"""The spoken call, made on the server without any internet service: a chime, then espeak-ng's Vietnamese voice
(Debian's `espeak-ng` package; `apt-get install espeak-ng`) saying the event's text, in one WAV file cached under
the data directory by the text (the same call is rendered once, whichever display asks first).

How a ticket is read. "A023" is said letter then digit by digit: "A, không hai ba". That is what the citizen holds
(the printed ticket has three digits with its zeros), one syllable per digit carries through a noisy hall and
through a synthetic voice better than a cardinal, and it avoids the cardinal's regional forms (linh/lẻ, mốt,
lăm/nhăm) that a northern and a southern listener hear differently. The counter is a small number said as people
say it: "quầy số mười lăm". Letters take their Vietnamese names (B "bê", C "xê", D "dê"). The voice is espeak-ng's
southern one (Rạch Giá is in the Mekong delta).

If espeak-ng is not installed the file is the chime alone, the display still shows the call, and the server logs
the missing voice once.
"""
from __future__ import annotations

import array
import hashlib
import io
import logging
import math
import os
import re
import shutil
import subprocess
import threading
import wave
from pathlib import Path

from django.conf import settings

log = logging.getLogger("lienthong.hall.speech")

ESPEAK = "espeak-ng"
VOICE = "vi-vn-x-south"
SPEED = 135  # words per minute: a little slower than espeak's 175, as a hall announcer speaks
RATE = 22050  # espeak-ng's output: 22.05 kHz, mono, 16-bit
DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
LETTERS = {"A": "a", "B": "bê", "C": "xê", "D": "dê", "Đ": "đê", "E": "e", "F": "ép", "G": "giê", "H": "hát",
           "I": "i", "J": "gi", "K": "ca", "L": "e lờ", "M": "em mờ", "N": "en nờ", "O": "o", "P": "pê", "Q": "quy",
           "R": "e rờ", "S": "ét xì", "T": "tê", "U": "u", "V": "vê", "W": "vê kép", "X": "ích xì", "Y": "i dài",
           "Z": "dét"}
TICKET = re.compile(r"\b([A-ZĐ]{1,2})(\d{1,4})\b")
NUMBER = re.compile(r"\b\d+\b")

_lock = threading.Lock()
_warned = False


def cardinal(n: int) -> str:
    """0–99 as Vietnamese say them (mười lăm, hai mươi mốt, hai mươi tư); larger numbers digit by digit."""
    if n < 10:
        return DIGITS[n]
    if n >= 100:
        return " ".join(DIGITS[int(d)] for d in str(n))
    tens, unit = divmod(n, 10)
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        return f"{head} lăm"
    if unit == 1 and tens > 1:
        return f"{head} mốt"
    if unit == 4 and tens > 1:
        return f"{head} tư"
    return f"{head} {DIGITS[unit]}"


def ticket_words(code: str) -> str:
    """ "A023" → "a, không hai ba" """
    m = TICKET.fullmatch(code.strip().upper())
    if not m:
        return code
    letters = " ".join(LETTERS.get(ch, ch) for ch in m.group(1))
    return f"{letters}, {' '.join(DIGITS[int(d)] for d in m.group(2))}"


def spoken_text(text: str) -> str:
    """What the voice says for an event's text: tickets spelled, other numbers said, commas for the pauses.
    "Mời số A023 đến quầy số 5" → "Mời số a, không hai ba, đến quầy số năm." """
    out = TICKET.sub(lambda m: ticket_words(m.group(0)) + ",", text)
    out = NUMBER.sub(lambda m: cardinal(int(m.group(0))), out)
    return out.rstrip(".") + "."


# --- sound ----------------------------------------------------------------------------------------------------
def chime_samples(rate: int = RATE) -> array.array:
    """A two-note "ding-dong" (E5 then C5, bell-like: a fundamental and two partials, each note decaying),
    about 1.1 s, 16-bit."""
    out = array.array("h")
    for freq, seconds in ((659.25, 0.45), (523.25, 0.65)):
        n = int(rate * seconds)
        for i in range(n):
            t = i / rate
            attack = min(1.0, t / 0.01)
            envelope = attack * math.exp(-3.2 * t / seconds)
            v = (math.sin(2 * math.pi * freq * t) + 0.35 * math.sin(2 * math.pi * 2 * freq * t)
                 + 0.12 * math.sin(2 * math.pi * 3 * freq * t)) / 1.47
            out.append(int(envelope * v * 0.6 * 32767))
    return out


_chime: array.array | None = None


def chime() -> array.array:
    """The chime's samples, made once per process."""
    global _chime
    if _chime is None:
        _chime = chime_samples()
    return _chime


def silence(seconds: float, rate: int = RATE) -> array.array:
    return array.array("h", bytes(2 * int(rate * seconds)))


def wav_bytes(samples: array.array, rate: int = RATE) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.tobytes())
    return buf.getvalue()


def voice_available() -> bool:
    return shutil.which(ESPEAK) is not None


def _say(text: str) -> array.array | None:
    """espeak-ng's samples for `text`, or None (no espeak-ng: logged once)."""
    global _warned
    if not voice_available():
        if not _warned:
            _warned = True
            log.warning("hall: espeak-ng is not installed (apt-get install espeak-ng): calls are shown and chimed, "
                        "not spoken")
        return None
    done = subprocess.run([ESPEAK, "-v", VOICE, "-s", str(SPEED), "--stdout", spoken_text(text)],
                          capture_output=True, timeout=20, check=False)
    if done.returncode != 0 or not done.stdout:
        log.warning("hall: espeak-ng failed (%s): %s", done.returncode, done.stderr[:200])
        return None
    with wave.open(io.BytesIO(_fix_stream_header(done.stdout)), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != 2 or w.getframerate() != RATE:
            log.warning("hall: espeak-ng's output is not 22 kHz mono 16-bit")
            return None
        return array.array("h", w.readframes(w.getnframes()))


def _fix_stream_header(data: bytes) -> bytes:
    """espeak-ng writing to a pipe cannot seek back: its RIFF and data sizes say 0x7fffffff; set the true ones."""
    if data[:4] != b"RIFF" or len(data) < 44:
        return data
    at = data.find(b"data", 12)
    if at < 0:
        return data
    body = len(data) - (at + 8)
    body -= body % 2
    return (data[:4] + (at + body).to_bytes(4, "little") + data[8:at + 4] + body.to_bytes(4, "little")
            + data[at + 8:at + 8 + body])


def cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "hall-audio"


def audio_path(text: str) -> Path:
    """The WAV of chime + spoken `text`, rendered once and kept (the name is a digest of voice, speed and text)."""
    spoken = voice_available()
    key = hashlib.sha256(f"{VOICE}|{SPEED}|{spoken}|{text}".encode()).hexdigest()[:32]
    path = cache_dir() / f"{key}.wav"
    if path.exists():
        return path
    with _lock:
        if path.exists():
            return path
        samples = array.array("h", chime())
        said = _say(text) if text else None
        if said is not None:
            samples.extend(silence(0.25))
            samples.extend(said)
        samples.extend(silence(0.3))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(wav_bytes(samples))
        os.replace(tmp, path)
    return path
