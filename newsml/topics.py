"""The default topic taxonomy: twelve multi-label news topics."""

from __future__ import annotations

#: Topic id -> one-line definition. An article may carry none of them.
TOPICS: dict[str, str] = {
    "trade": "Trade policy, tariffs, export controls and restrictions, 'white lists' of preferred "
    "trading partners, trade agreements and disputes, WTO cases, supply chains of goods.",
    "forced_labor": "Forced or compulsory labor past or present: wartime labor mobilization and "
    "victims' compensation claims, labor trafficking, bans on goods made with forced labor.",
    "mediation": "A third party brokering, offering to broker, or facilitating talks between two "
    "disputing parties; plain bilateral talks are not mediation.",
    "diplomacy": "Official visits, envoys, ambassadors, summits, foreign-ministry talks, bilateral "
    "or multilateral diplomatic meetings.",
    "courts": "Court rulings, lawsuits, judicial decisions, trials.",
    "technology": "Semiconductors and their materials, displays, electronics, telecoms, AI, tech "
    "companies, industrial tech policy.",
    "security": "Military, defense, alliances, missiles, nuclear programs.",
    "sanctions": "Economic or financial sanctions, asset freezes, embargoes.",
    "economy": "Macroeconomy, markets, currencies, inflation, growth, rates, jobs.",
    "energy": "Oil, gas, power, nuclear power, renewables, energy prices.",
    "environment": "Climate, pollution, conservation, emissions policy.",
    "politics": "Elections, parties, parliaments, cabinet changes, protests.",
}

#: Topic ids in their canonical order.
TOPIC_IDS: tuple[str, ...] = tuple(TOPICS)
