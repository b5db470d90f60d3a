"""The waste diary: guided with buttons, or typed in one line, and undo."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from decimal import Decimal

from core.conversation.router import Router, Turn
from core.diary import service as diary
from core.diary.parse import Lexicon, ParsedEntry, parse_entry
from core.factors import service as factors
from core.factors.labels import METHOD_LABELS
from core.factors.models import EmissionFactor, FactorSet, WasteCategory
from core.gamification import progress
from core.gamification.limits import DailyLimits
from core.messages import Button, Kind, Reply
from handlers.diary_text import describe_entry, quantity_text, signed
from handlers.menu import main_menu
from handlers.progress import progress_rules

router = Router()

# Suggested weights on the weight step; typed weights are always accepted.
QUICK_WEIGHTS = ("100g", "250g", "500g", "1kg", "2kg", "5kg")
WEIGHT_DATA = re.compile(r"\d{1,6}(\.\d{1,3})?(g|kg|pcs)")


@dataclass(frozen=True, slots=True)
class Draft:
    category: str | None = None
    method: str | None = None
    quantity: str | None = None  # a Decimal as text, so the draft fits in JSON state
    unit: str | None = None

    def merge(self, parsed: ParsedEntry) -> Draft:
        return Draft(
            parsed.category or self.category, parsed.method or self.method,
            str(parsed.quantity) if parsed.quantity is not None else self.quantity,
            parsed.unit or (self.unit if parsed.quantity is None else None),
        )


async def _factor_set(turn: Turn) -> FactorSet | None:
    if turn.user is None or not turn.user.region:
        return None
    return await factors.active_set(turn.user.region)


async def _lexicon(turn: Turn, fset: FactorSet) -> Lexicon:
    key = f"lexicon:{fset.code}@{fset.version}"
    if key not in turn.runtime.cache:
        allowed = {c.code: [f.method for f in await factors.list_factors(c)]
                   for c in await factors.list_categories(fset)}
        turn.runtime.cache[key] = Lexicon.load(fset.code, allowed)
    lexicon: Lexicon = turn.runtime.cache[key]
    return lexicon


def _ask_region(turn: Turn) -> list[Reply]:
    turn.state.go("onboarding", "province")
    return [Reply(turn.t("First, which province (Thailand) or state (India) do you live in? "
                         "Your area decides which waste categories and factors apply."),
                  ask_location=turn.t("Share my location"))]


@router.intent("log", words={"en": ["log", "log waste", "add", "diary"],
                             "th": ["บันทึก", "บันทึกขยะ"], "hi": ["दर्ज", "कचरा दर्ज करें"]})
async def log(turn: Turn) -> list[Reply]:
    args = turn.args
    draft = Draft(**turn.state.slots.get("draft", {})) if turn.state.flow == "log" else Draft()
    if args[:1] == ("c",) and len(args) == 2:
        draft = Draft(category=args[1], quantity=draft.quantity, unit=draft.unit)
    elif args[:1] == ("m",) and len(args) == 3:
        draft = replace(draft, category=args[1], method=args[2])
    elif args[:1] == ("w",) and len(args) == 4 and WEIGHT_DATA.fullmatch(args[3]):
        quantity, unit = _split(args[3])
        draft = Draft(args[1], args[2], str(quantity), unit)
    elif args:
        draft = Draft()
    return await advance(turn, draft)


@router.step("log", "category")
@router.step("log", "method")
@router.step("log", "weight")
async def typed_in_flow(turn: Turn) -> list[Reply]:
    fset = await _factor_set(turn)
    if fset is None or turn.msg.kind is not Kind.TEXT:
        return await advance(turn, Draft(**turn.state.slots.get("draft", {})))
    draft = Draft(**turn.state.slots.get("draft", {}))
    parsed = parse_entry(turn.msg.text, await _lexicon(turn, fset))
    if turn.state.step == "weight" and parsed.quantity is not None and parsed.unit is None:
        parsed = replace(parsed, unit="kg")  # a bare number on the weight step means kg
    if parsed == ParsedEntry(None, None, None, None):
        turn.notices.append(Reply(turn.t("Sorry, I didn't catch that.")))
    return await advance(turn, draft.merge(parsed))


@router.fallback
async def typed_entry(turn: Turn) -> list[Reply] | None:
    """One-line entries such as "2 kg plastic bottles recycled"."""
    if turn.user is None or turn.msg.kind is not Kind.TEXT:
        return None
    fset = await _factor_set(turn)
    if fset is None:
        return None
    parsed = parse_entry(turn.msg.text, await _lexicon(turn, fset))
    if parsed.category is None and parsed.method is None:
        return None
    return await advance(turn, Draft().merge(parsed))


async def advance(turn: Turn, draft: Draft) -> list[Reply]:
    """Ask for what the draft still lacks, or record it when complete."""
    fset = await _factor_set(turn)
    if fset is None:
        return _ask_region(turn)
    category = await _category(fset, draft.category)
    if category is None:
        return await _ask_category(turn, fset, replace(draft, category=None))
    factor = await _factor(category, draft.method)
    if factor is None:
        return await _ask_method(turn, category, replace(draft, method=None))
    if draft.quantity is None:
        return _ask_weight(turn, category, factor, draft)
    return await _record(turn, category, factor, draft)


async def _category(fset: FactorSet, code: str | None) -> WasteCategory | None:
    return await WasteCategory.get_or_none(factor_set=fset, code=code) if code else None


async def _factor(category: WasteCategory, method: str | None) -> EmissionFactor | None:
    return await EmissionFactor.get_or_none(category=category, method=method) if method else None


def _keep(turn: Turn, step: str, draft: Draft) -> None:
    turn.state.go("log", step, draft=asdict(draft))


async def _ask_category(turn: Turn, fset: FactorSet, draft: Draft) -> list[Reply]:
    _keep(turn, "category", draft)
    buttons = tuple(Button(c.names.get(turn.locale, c.names["en"]), f"log:c:{c.code}")
                    for c in await factors.list_categories(fset))
    return [Reply(turn.t("What kind of waste?"), buttons=buttons)]


async def _ask_method(turn: Turn, category: WasteCategory, draft: Draft) -> list[Reply]:
    _keep(turn, "method", draft)
    buttons = tuple(Button(turn.t(METHOD_LABELS[f.method]), f"log:m:{category.code}:{f.method}")
                    for f in await factors.list_factors(category))
    name = category.names.get(turn.locale, category.names["en"])
    return [Reply(turn.t("What did you do with the {category}?", category=name), buttons=buttons)]


def _ask_weight(turn: Turn, category: WasteCategory, factor: EmissionFactor,
                draft: Draft) -> list[Reply]:
    _keep(turn, "weight", draft)
    weights = QUICK_WEIGHTS if category.piece_grams is None else ("1pcs", "5pcs", *QUICK_WEIGHTS)
    buttons = tuple(Button(quantity_text(turn, *_split(w)), f"log:w:{category.code}:"
                           f"{factor.method}:{w}") for w in weights)
    hint = turn.t("How much? Type it, e.g. 500 g, 1.5 kg or 3 pcs.") if category.piece_grams \
        else turn.t("How much? Type it, e.g. 500 g or 1.5 kg.")
    return [Reply(hint, buttons=buttons, numbered=False)]


def _split(weight: str) -> tuple[Decimal, str]:
    digits = weight.rstrip("gkpcs")
    return Decimal(digits), weight[len(digits):]


async def _record(turn: Turn, category: WasteCategory, factor: EmissionFactor,
                  draft: Draft) -> list[Reply]:
    assert turn.user is not None and draft.quantity is not None
    unit = draft.unit or ("pcs" if category.piece_grams else "kg")
    try:
        recorded = await diary.record_entry(
            turn.user, factor, Decimal(draft.quantity), unit, f"{turn.key}:diary", turn.now,
            DailyLimits.from_settings(turn.runtime.settings))
    except diary.InvalidWeight:
        turn.notices.append(Reply(turn.t("Please give a weight between 10 g and 100 kg.")))
        return _ask_weight(turn, category, factor, replace(draft, quantity=None))
    except diary.PieceWeightUnknown:
        turn.notices.append(Reply(turn.t("I don't know what one piece weighs for this kind of "
                                         "waste. Please give the weight in g or kg.")))
        return _ask_weight(turn, category, factor, replace(draft, quantity=None))
    turn.state.end()
    done = await progress.after_entry(turn.user, recorded.entry, turn.now, progress_rules(turn))
    text = await describe_entry(turn, recorded.entry, recorded.balance, done)
    return [Reply(text, buttons=(Button(turn.t("Log more"), "log"),
                                 Button(turn.t("Undo"), "undo"),
                                 Button(turn.t("Menu"), "menu")))]


@router.intent("undo", words={"en": ["undo", "delete last", "remove last"],
                              "th": ["ยกเลิกรายการล่าสุด", "ลบล่าสุด", "เลิกทำ"],
                              "hi": ["पिछला हटाएं", "अंडू", "वापस लें"]})
async def undo(turn: Turn) -> list[Reply]:
    assert turn.user is not None
    turn.state.end()
    undone = await diary.undo_last(turn.user, f"{turn.key}:undo", turn.now)
    if undone is None:
        return [main_menu(turn, turn.t("There is nothing to undo."))]
    entry = undone.entry
    category = await entry.category
    text = turn.t("Removed: {quantity} {category}, {method}. {credits} credits. "
                  "Balance: {balance}.",
                  quantity=quantity_text(turn, entry.quantity, entry.unit),
                  category=category.names.get(turn.locale, category.names["en"]),
                  method=turn.t(METHOD_LABELS[entry.method]),
                  credits=signed(-entry.credits), balance=undone.balance)
    return [main_menu(turn, text)]
