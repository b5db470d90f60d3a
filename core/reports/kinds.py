"""What a report can be about: waste types (and their Open311 service codes) and sizes."""

from core.i18n import N_

# Our waste types are the Open311 service codes, one to one.
WASTE_TYPES = {
    "mixed": N_("Mixed household waste"),
    "plastic": N_("Plastic"),
    "organic": N_("Food / organic"),
    "construction": N_("Construction debris"),
    "bulky": N_("Bulky items"),
    "e_waste": N_("E-waste"),
    "hazardous": N_("Hazardous (chemicals)"),
    "medical": N_("Medical waste"),
    "dead_animal": N_("Dead animal"),
}
DESCRIPTIONS = {
    "mixed": "Dumped or overflowing mixed household waste.",
    "plastic": "Dumped plastic waste (bags, bottles, packaging).",
    "organic": "Dumped food or garden waste.",
    "construction": "Construction and demolition debris left in a public place.",
    "bulky": "Furniture, mattresses or other bulky items left out.",
    "e_waste": "Electronic waste: appliances, batteries, cables.",
    "hazardous": "Chemicals, paint, oil or other hazardous household waste.",
    "medical": "Syringes, dressings or other medical waste.",
    "dead_animal": "A dead animal to be removed.",
}
# Hazardous and medical waste put people at risk, so they are urgent whatever the size.
URGENT_TYPES = frozenset({"hazardous", "medical"})

SIZES = {
    "small": N_("Small (a bag or two)"),
    "medium": N_("Medium (a few bags)"),
    "large": N_("Large (a pile or cart)"),
    "truckload": N_("Truck-load"),
}
# How much a size adds to priority; larger piles block streets and draw pests sooner.
SIZE_WEIGHT = {"small": 1, "medium": 2, "large": 3, "truckload": 4}
