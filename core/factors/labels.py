"""Display names of disposal methods and units, marked for translation.

They are button labels, so each stays within LINE's 20-character quick reply label.
"""

from core.i18n import N_

METHOD_LABELS = {
    "landfill": N_("Binned (landfill)"),
    "open_dump": N_("Binned (dumpsite)"),
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
    "proper_disposal": N_("Proper disposal"),
    "donated": N_("Donated"),
    "trade_in": N_("Traded in"),
    "burned": N_("Burned"),
    "handed_over": N_("To hazardous pickup"),
    "wrapped": N_("Wrapped, dry bin"),
}

UNIT_LABELS = {"g": N_("g"), "kg": N_("kg"), "pcs": N_("pcs")}
