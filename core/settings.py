"""Settings from the environment; the names are the contract in README.md."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite://var/wastenexus.sqlite3"
    redis_url: str = ""
    public_base_url: str = "http://localhost:8000"

    line_channel_secret: str = ""
    line_channel_access_token: str = ""
    line_api_base_url: str = "https://api.line.me"
    line_data_api_base_url: str = "https://api-data.line.me"
    # The official account's basic ID (such as @wastenexus), for invite deep links.
    line_basic_id: str = ""

    telegram_bot_token: str = ""
    telegram_webhook_secret: str = ""
    telegram_api_base_url: str = "https://api.telegram.org"
    # For invite deep links: t.me/<username>?start=<code>.
    telegram_bot_username: str = ""

    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from_number: str = ""
    twilio_api_base_url: str = "https://api.twilio.com"

    open311_api_keys: str = ""
    media_store_url: str = "file://var/media"
    default_locale: str = "en"
    default_timezone: str = "Asia/Bangkok"

    var_dir: Path = ROOT / "var"
    locales_dir: Path = ROOT / "locales"

    # A flow left idle this long expires (issue 2: 30 minutes).
    flow_idle_minutes: int = 30
    # Webhook bodies above this are refused with 413; LINE batches events, so
    # leave room for many: 1 MiB is well above any documented event body.
    webhook_max_body_bytes: int = 1_048_576
    # Per-user flood limit, checked at ingest: this many events per window. One a second
    # leaves room for someone tapping through a quiz, and stops scripts.
    flood_max_events: int = 60
    flood_window_seconds: int = 60
    # SMS replies ready within this window go back as TwiML; later ones by REST.
    # Twilio waits up to 15 s (PLATFORMS.md C8); we stay far below 1 s.
    sms_twiml_wait_ms: int = 600
    # Processing retries before an event is dead-lettered.
    event_max_attempts: int = 5
    # The sweeper re-enqueues events and outbound messages older than this.
    sweep_after_seconds: int = 30
    sweep_interval_seconds: int = 10
    # LINE reply tokens are valid about 1 minute (PLATFORMS.md B3); use push after this.
    line_reply_token_ttl_seconds: int = 50
    outbound_max_attempts: int = 8

    worker_concurrency: int = Field(default=20, ge=1)

    # Civic reports. Service levels are each municipality's policy: these defaults give
    # urgent reports (hazardous or medical waste) a day and the rest three days.
    sla_urgent_hours: int = 24
    sla_normal_hours: int = 72
    # Neighbours confirming a spot make it urgent from this many +1s.
    plus_ones_urgent: int = 5
    duplicate_radius_m: float = 50.0
    # Green credits once a report is verified (docs/credits.md); rejected reports earn none.
    report_verified_credits: int = 50
    report_max_photos: int = 5

    # Training: a failed quiz may be retaken after this cool-down.
    quiz_retake_cooldown_hours: int = 6

    # Progress. Levels on cumulative credits earned, from the Thailand Waste Diary design
    # (shared/data/th_diary_gamification.csv): Eco Beginner ... Planet Protector.
    level_thresholds: list[int] = [0, 100, 500, 1000, 2500]
    streak_freezes_per_week: int = 1
    # Anti-abuse (docs/credits.md). Diary credits per person per local day beyond this are
    # recorded but not credited.
    diary_daily_credit_cap: int = 250
    # One category above this many kg in a local day is held for review, not credited. A
    # person produces about 0.74 kg of waste a day on average (World Bank, "What a Waste
    # 2.0", 2018), so 25 kg of one kind from one household in a day is implausible.
    implausible_daily_kg: int = 25

    # Collection routes. Straight-line distances are stretched by this road factor: urban
    # circuity factors of about 1.2-1.4 (Ballou, Rahardja and Sakai, "Selected country
    # circuity factors for road travel distance estimation", Transportation Research A, 2002).
    road_factor: float = 1.3
    # Average speed of a collection truck between stops, and time spent at each stop: set
    # them per municipality; these defaults are assumptions for dense urban wards.
    truck_speed_kmh: float = 20.0
    stop_service_minutes: int = 5
    osrm_url: str = ""  # a distance-matrix server; empty: haversine x road_factor
    planner_solver: str = "pyvrp"  # or "vroom" for sub-second re-planning
    planner_time_limit_s: float = 5.0
    # A re-plan keeps a sent route's stop order when that costs at most this much extra.
    replan_keep_order_percent: float = 10.0
    # Next day's routes are planned at this local hour in each ward.
    planning_hour: int = 20

    # Reminders, in each person's local time; nothing is sent in the quiet hours.
    diary_reminder_hour: int = 19
    streak_reminder_hour: int = 20
    quiet_start: str = "21:00"
    quiet_end: str = "07:00"
    training_reminder_days: int = 3

    # Platform send limits (PLATFORMS.md): Telegram about 30 messages/s in bulk and 1/s per
    # chat (Bot FAQ); LINE 2,000 requests/s for push (API reference rate limits) and 500
    # recipients per multicast; Twilio 1 segment/s per long code (error 30001 docs).
    telegram_per_second: float = 30.0
    telegram_per_chat_per_second: float = 1.0
    line_per_second: float = 2000.0
    line_multicast_max: int = 500
    twilio_segments_per_second: float = 1.0

    # Analytics roll-ups run nightly at this local hour in the municipality's timezone.
    analytics_hour: int = 2

    # Referrals: both people get this once the newcomer's first real activity counts.
    referral_credits: int = 50
    referrals_per_day_limit: int = 10
    # arq cancels a job after this; a crashed worker's job re-runs this + 10 s later
    # (PLATFORMS.md D). A turn or a send takes well under a second.
    job_timeout_seconds: int = 60
    # A webhook that cannot store its event within this answers 503, so the platform retries.
    store_timeout_seconds: float = 5.0

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token and self.telegram_webhook_secret)

    @property
    def sms_enabled(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token and self.twilio_from_number)

    @property
    def enabled_channels(self) -> list[str]:
        flags = {"line": self.line_enabled, "telegram": self.telegram_enabled,
                 "sms": self.sms_enabled}
        return [name for name, on in flags.items() if on]
