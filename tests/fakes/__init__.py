"""Test doubles for the messaging platforms WasteNexus talks to.

* :mod:`.platform` - ``FakePlatform``: one local aiohttp server that impersonates the LINE
  Messaging API (+ data API), the Telegram Bot API (+ file server) and the Twilio REST API.
* :mod:`.payloads` - builders for the webhook requests those platforms send to us
  (LINE events + ``X-Line-Signature``, Telegram ``Update`` objects, Twilio SMS form posts +
  ``X-Twilio-Signature``).
"""

from .platform import FakePlatform, Recorded, UploadedFile

__all__ = ["FakePlatform", "Recorded", "UploadedFile"]
