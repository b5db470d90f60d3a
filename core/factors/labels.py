"""Display names of disposal methods and units, marked for translation."""

from core.i18n import N_

METHOD_LABELS = {
    "landfill": N_("Thrown away (landfill)"),
    "open_dump": N_("Thrown away (dumpsite)"),
    "composted": N_("Composted"),
    "animal_feed": N_("Fed to animals"),
    "biogas": N_("Biogas"),
    "reduced": N_("Avoided wasting it"),
    "recycled": N_("Recycled"),
    "reused": N_("Reused"),
    "avoided": N_("Refused / avoided"),
    "digital": N_("Went digital"),
    "returned": N_("Returned for deposit"),
    "sold": N_("Sold to a buyer"),
    "mulch": N_("Used as mulch"),
    "refurbished": N_("Refurbished"),
    "proper_disposal": N_("Proper e-waste disposal"),
    "donated": N_("Donated"),
    "trade_in": N_("Traded in"),
    "burned": N_("Burned"),
    "handed_over": N_("Handed to a hazardous-waste collector"),
    "wrapped": N_("Wrapped, in the dry bin"),
}

UNIT_LABELS = {"g": N_("g"), "kg": N_("kg"), "pcs": N_("pcs")}
