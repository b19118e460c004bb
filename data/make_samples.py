"""Generate Pulso's small sample data sets: `sample_labelled.csv` and `sample_unlabelled.jsonl`.

The messages are synthetic customer-support messages written for Pulso, never copied from a data set. The
brands and their handles are invented. Every message is composed from hand-written parts (a core sentence
per sector, language and sentiment, plus openers, details, closings and greetings), then given the noise of
a real feed: emoji, hashtags, links, elongations ("sooo"), shouting, typos, dropped accents. Each part belongs
to one sentiment, so the labels are correct by construction. Some hand-written "hard" messages (negation,
sarcasm, mixed feelings) are added as written.

The labelled file also carries a few deliberately bad rows, so a run shows its quarantine: empty texts,
an unknown label, an unparseable timestamp and exact duplicates of earlier rows (see data/README.md).

Deterministic: there is a fixed seed and no other source of randomness, so `python data/make_samples.py`
rewrites both files byte for byte. Standard library only.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

SEED = 20261120
DATA_DIR = Path(__file__).resolve().parent
LABELLED_FILE = DATA_DIR / "sample_labelled.csv"
UNLABELLED_FILE = DATA_DIR / "sample_unlabelled.jsonl"
LABELLED_FIELDS = ("id", "created_at", "author_id", "text", "label")

EN, ES = "en", "es"
NEG, NEU, POS = "negative", "neutral", "positive"
LABELS = (NEG, NEU, POS)

# (language, label) -> number of good messages, hand-written hard ones included.
LABELLED_MIX = {(EN, NEG): 506, (EN, NEU): 380, (EN, POS): 380, (ES, NEG): 90, (ES, NEU): 67, (ES, POS): 67}
UNLABELLED_MIX = {(EN, NEG): 102, (EN, NEU): 77, (EN, POS): 76, (ES, NEG): 18, (ES, NEU): 14, (ES, POS): 13}
LABELLED_DAYS = (dt.date(2026, 10, 1), dt.date(2026, 11, 20))
UNLABELLED_DAYS = (dt.date(2026, 11, 20), dt.date(2026, 11, 20))
MAX_CHARS = 280
REGULAR_AUTHORS = 140

# Deliberately bad rows of the labelled file: texts of the rows without text, label of the rows with an
# unknown label, created_at of the rows with an unparseable timestamp, and how many exact duplicates.
EMPTY_TEXTS = ("", "", "   ")
UNKNOWN_LABEL = "angry"
BAD_TIMESTAMP = "yesterday"
DUPLICATES = 3


# --- brands -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Brand:
    """An invented company: its name in texts, its social media handles, sector, languages, short code."""

    name: str
    handles: tuple[str, ...]
    sector: str
    langs: tuple[str, ...]
    code: str


BRANDS = (
    Brand("Altivia", ("@AltiviaAir", "@AltiviaHelp"), "airline", (EN, ES), "AV"),
    Brand("Skyloom", ("@SkyloomAir",), "airline", (EN,), "SL"),
    Brand("AeroPampa", ("@AeroPampaVuelos",), "airline", (ES,), "AP"),
    Brand("Telvora", ("@TelvoraMobile", "@TelvoraCares"), "telco", (EN, ES), "TV"),
    Brand("Wavvlink", ("@Wavvlink", "@WavvlinkHelp"), "telco", (EN,), "WL"),
    Brand("Movilanda", ("@MovilandaES",), "telco", (ES,), "MV"),
    Brand("Northvale Bank", ("@Northvale_Bank",), "bank", (EN,), "NV"),
    Brand("PennyRiver", ("@PennyRiverPay",), "bank", (EN,), "PR"),
    Brand("Banco Alborada", ("@BancoAlborada", "@AlboradaResponde"), "bank", (ES,), "BA"),
    Brand("ShopOrbita", ("@ShopOrbita", "@ShopOrbitaHelp"), "ecommerce", (EN, ES), "SO"),
    Brand("Cartwren", ("@CartwrenShop",), "ecommerce", (EN,), "CW"),
    Brand("MercadilloYa", ("@MercadilloYa",), "ecommerce", (ES,), "MY"),
    Brand("ParcelPikko", ("@ParcelPikko",), "delivery", (EN,), "PK"),
    Brand("Crateway", ("@Crateway", "@CratewayHelp"), "delivery", (EN,), "CR"),
    Brand("Envíos Rayo", ("@EnviosRayoMX",), "delivery", (ES,), "ER"),
    Brand("StreamNest", ("@StreamNestTV",), "streaming", (EN, ES), "SN"),
    Brand("Flixora", ("@Flixora", "@FlixoraHelp"), "streaming", (EN,), "FX"),
    Brand("Brightvolt", ("@BrightvoltPower",), "energy", (EN,), "BV"),
    Brand("Luz del Norte", ("@LuzDelNorteSA",), "energy", (ES,), "LN"),
    Brand("Clearbrook Water", ("@ClearbrookWater",), "water", (EN,), "CB"),
    Brand("Aguas del Valle", ("@AguasDelValle",), "water", (ES,), "AG"),
    Brand("Cloudkite", ("@CloudkiteApp",), "software", (EN, ES), "CK"),
    Brand("Pixeldesk", ("@PixeldeskHQ",), "software", (EN,), "PD"),
    Brand("Notorama", ("@Notorama", "@NotoramaSupport"), "software", (EN,), "NT"),
    Brand("Munchrun", ("@MunchrunEats",), "food", (EN,), "MR"),
    Brand("Bitebox", ("@BiteboxDelivery",), "food", (EN,), "BB"),
    Brand("Comida Volando", ("@ComidaVolando",), "food", (ES,), "CV"),
    Brand("Harborline Hotels", ("@HarborlineHotels",), "hotel", (EN,), "HL"),
    Brand("Staylofts", ("@Staylofts",), "hotel", (EN,), "ST"),
    Brand("Hoteles Solymar", ("@HotelesSolymar",), "hotel", (ES,), "HS"),
)
SECTOR_WEIGHTS = {
    "airline": 3.0, "telco": 3.0, "bank": 2.0, "ecommerce": 2.2, "delivery": 2.0, "streaming": 1.5,
    "energy": 1.0, "water": 0.7, "software": 1.6, "food": 1.6, "hotel": 1.2,
}  # fmt: skip

# --- slot values ------------------------------------------------------------------------------------------

# Each slot is {name} in a template; a value is drawn once per message (English, Spanish).
# fmt: off
WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "city": (
        ("Denver", "Chicago", "Boston", "Atlanta", "Seattle", "Phoenix", "Miami", "Dallas", "Toronto", "Austin",
         "Orlando", "Newark", "Portland", "San Diego", "Nashville", "Houston"),
        ("Madrid", "Barcelona", "Bogotá", "Lima", "Sevilla", "CDMX", "Monterrey", "Valencia", "Buenos Aires",
         "Santiago", "Málaga", "Medellín", "Cancún", "Bilbao", "Guadalajara", "Quito"),
    ),
    "agent": (
        ("Maria", "Josh", "Priya", "Tom", "Aisha", "Kevin", "Lauren", "Diego", "Sam", "Nina", "Marcus", "Chloe",
         "Omar", "Beth", "Ravi", "Jade"),
        ("Lucía", "Javier", "Carmen", "Andrés", "Sofía", "Miguel", "Valeria", "Pablo", "Marta", "Raúl", "Inés",
         "Tomás"),
    ),
    "item": (
        ("a blender", "a pair of running shoes", "a phone case", "a desk lamp", "a kids' rain jacket",
         "a coffee grinder", "a yoga mat", "an air fryer", "wireless earbuds", "a winter coat", "an office chair",
         "a set of towels", "a stand mixer", "a baby monitor"),
        ("una licuadora", "unas zapatillas", "una funda para el móvil", "una lámpara de escritorio",
         "una freidora de aire", "unos auriculares", "un abrigo", "una silla de oficina", "un juego de toallas",
         "una cafetera", "un vigilabebés", "una batidora"),
    ),
    "wrong_item": (
        ("phone cases", "baby socks", "dog shampoo", "someone else's printer ink", "a single flip flop",
         "three packs of batteries"),
        ("calcetines de bebé", "champú para perros", "otra talla", "el color que no era"),
    ),
    "dish": (
        ("a large pepperoni", "pad thai", "two burritos", "a poke bowl", "chicken tikka masala", "sushi for four",
         "a veggie burger", "ramen", "a family bucket", "pho"),
        ("una pizza familiar", "unos tacos al pastor", "una hamburguesa doble", "sushi para dos",
         "una ensalada César", "pollo asado", "una paella para cuatro", "unas arepas"),
    ),
    "show": (
        ("Glass Harbor", "The Salt Road", "Midnight Ledger", "Dust & Diesel", "The Quiet Ward", "Orbit Kids",
         "Low Tide", "Paper Crowns"),
        ("Cumbres Rojas", "La Casa del Faro", "Noches de Tango", "El Último Tren", "Marea Baja", "Los Herederos"),
    ),
    "feature": (
        ("sync", "offline mode", "the calendar view", "export to PDF", "shared folders", "search", "dark mode",
         "the widget", "autosave"),
        ("la sincronización", "el modo sin conexión", "la exportación a PDF", "las carpetas compartidas",
         "el buscador", "el calendario", "el guardado automático"),
    ),
    "plan": (
        ("Unlimited Plus", "Unlimited Max", "Basic 10GB", "Family Share", "Fiber 500", "Prepaid 20"),
        ("Ilimitada Plus", "Fibra 600", "Básica 10GB", "Familiar", "Prepago 20"),
    ),
    "plan_speed": (("300", "500", "600", "1000"), ("300", "600", "1000")),
    "street": (("Main St", "5th Ave", "Elm Street", "Oak Road", "Pine St", "Lakeview Drive"), ("la calle Mayor",)),
    "holiday": (("Thanksgiving", "Veterans Day", "Black Friday", "Christmas Eve"), ("Navidad",)),
    "weekday": (
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    ),
    "weekday_pl": (
        ("Mondays", "Fridays", "Saturdays", "Sundays"),
        ("lunes", "viernes", "sábados", "domingos"),
    ),
    "day": (
        ("tomorrow", "Monday", "Thursday night", "next week", "Sunday morning", "the day after tomorrow"),
        ("mañana", "el lunes", "el jueves por la noche", "la semana que viene", "pasado mañana"),
    ),
    "day_past": (
        ("Sunday", "yesterday morning", "Friday night", "last Tuesday", "the weekend", "this morning"),
        ("el domingo", "ayer por la mañana", "el viernes por la noche", "el martes pasado", "el fin de semana"),
    ),
    "date": (
        ("Nov 14", "November 30th", "the 28th", "Dec 2", "the 3rd", "October 30", "Nov 21st"),
        ("14 de noviembre", "30 de noviembre", "2 de diciembre", "28 de octubre", "3 de diciembre"),
    ),
    "nth": (("3rd", "third", "4th", "fourth", "fifth"), ("tercera", "cuarta", "quinta")),
    "time_late": (("1:30pm", "3pm", "2:15", "4:40pm", "12:50"), ("13:30", "15:00", "14:15", "16:40", "12:50")),
    "version": (("v4.2", "v5.0.1", "3.18", "v2.7.3", "6.1"), ("4.2", "5.0.1", "3.18", "2.7.3", "6.1")),
    "early": (("10", "15", "20", "25", "30"), ("10", "15", "20", "25", "30")),
}
# fmt: on
# Reference patterns per sector: 9 a digit, A a letter, X a letter or digit, @ the brand's code.
REF_PATTERNS = {
    "airline": ("XXXXXX",),
    "telco": ("#9999999", "TK-999999", "9999-9999"),
    "bank": ("99999999", "#C-999999"),
    "ecommerce": ("#@-99999999", "#9999999", "999-9999999-99999"),
    "delivery": ("@999999999US", "@-99999999", "9999 9999 9999"),
    "streaming": ("#99999999",),
    "energy": ("9999999999", "AC-999999"),
    "water": ("9999999999", "#W99999"),
    "software": ("#99999", "@-99999"),
    "food": ("#99999", "#@99999"),
    "hotel": ("@-999999", "99999999"),
}
# Slots whose value keeps its capital after a greeting ("Hi, Maria at the desk...").
PROPER_SLOTS = frozenset(("agent", "brand", "city", "show", "flight", "version", "ref", "code", "amount", "fee"))
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "0123456789"


def _pattern(rng: random.Random, pattern: str, code: str) -> str:
    out = []
    for char in pattern:
        if char == "9":
            out.append(rng.choice(_DIGITS))
        elif char == "A":
            out.append(rng.choice(_LETTERS))
        elif char == "X":
            out.append(rng.choice(_LETTERS + "23456789"))
        elif char == "@":
            out.append(code)
        else:
            out.append(char)
    return "".join(out)


def _amount(rng: random.Random, lang: str) -> str:
    whole = rng.choice((rng.randint(5, 60), rng.randint(20, 180), rng.randint(100, 480)))
    cents = rng.choice(("00", "99", "50", f"{rng.randint(1, 98):02d}"))
    if lang == EN:
        return rng.choice((f"${whole}", f"${whole}.{cents}", f"${whole}.{cents}", f"{whole} dollars"))
    return rng.choice((f"{whole},{cents} €", f"{whole} €", f"{whole}€", f"${whole * 18} pesos", f"{whole} euros"))


def _fee(rng: random.Random, lang: str) -> str:
    whole = rng.randint(4, 45)
    if lang == EN:
        return rng.choice((f"${whole}", f"${whole}.99", f"${whole}.{rng.randint(1, 98):02d}", f"{whole} bucks"))
    return rng.choice((f"{whole},99 €", f"{whole} €", f"{whole}€", f"${whole * 18} pesos", f"{whole} euros"))


def _time(rng: random.Random, lang: str) -> str:
    hour, minute = rng.randint(5, 22), rng.choice((0, 5, 10, 15, 20, 30, 35, 40, 45, 50, 55))
    if lang == ES or rng.random() < 0.25:
        return f"{hour}:{minute:02d}"
    half = "pm" if hour >= 12 else "am"
    clock = str((hour - 1) % 12 + 1) if minute == 0 and rng.random() < 0.6 else f"{(hour - 1) % 12 + 1}:{minute:02d}"
    return clock + rng.choice((half, half, f" {half}", half.upper()))


def _speed(rng: random.Random, lang: str) -> str:
    value = rng.choice(("0.8", "1.5", "2", "3", "4", "6", "9", "12", "15", "20"))
    if lang == EN:
        return f"{value} Mbps" if rng.random() < 0.7 else f"{value}Mbps"
    return f"{value.replace('.', ',')} megas" if rng.random() < 0.7 else f"{value.replace('.', ',')} Mb"


def _url(rng: random.Random, brand: Brand) -> str:
    code = "".join(rng.choice("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(7))
    site = brand.name.lower().replace(" ", "").replace("í", "i")
    return rng.choice(
        (
            f"https://shrt.example/{code}",
            f"https://pics.example.net/{code}",
            f"http://lnk.example.com/{code}",
            f"https://{site}.example/help/{code[:4].lower()}",
            f"https://imgbox.example/i/{code}.jpg",
        )
    )


NUMBERS: dict[str, Callable[[random.Random], str]] = {
    "n": lambda rng: str(rng.randint(3, 6)),
    "mins": lambda rng: str(rng.choice(range(20, 125, 5))),
    "hours": lambda rng: str(rng.randint(2, 7)),
    "days": lambda rng: str(rng.randint(3, 14)),
    "weeks": lambda rng: str(rng.randint(2, 7)),
    "years": lambda rng: str(rng.randint(2, 15)),
    "house": lambda rng: str(rng.randint(2, 98)),
    "room": lambda rng: str(rng.randint(1, 9) * 100 + rng.randint(1, 40)),
    "case": lambda rng: rng.choice(("#", "", "CS-")) + str(rng.randint(100000, 99999999)),
    "code": lambda rng: rng.choice(("E", "NW-", "UI-", "")) + str(rng.randint(100, 9999)),
}


class Slots(dict[str, str]):
    """Template values, drawn on first use so that one message repeats the same value."""

    def __init__(self, rng: random.Random, lang: str, brand: Brand) -> None:
        super().__init__()
        self.rng, self.lang, self.brand = rng, lang, brand

    def __missing__(self, key: str) -> str:
        rng, lang, brand = self.rng, self.lang, self.brand
        if key in WORDS:
            value = rng.choice(WORDS[key][0 if lang == EN else 1])
        elif key in NUMBERS:
            value = NUMBERS[key](rng)
        elif key == "brand":
            value = brand.name
        elif key == "ref":
            value = _pattern(rng, rng.choice(REF_PATTERNS[brand.sector]), brand.code)
        elif key == "flight":
            value = brand.code + rng.choice(("", " ")) + str(rng.randint(100, 2999))
        elif key == "amount":
            value = _amount(rng, lang)
        elif key == "fee":
            value = _fee(rng, lang)
        elif key == "time":
            value = _time(rng, lang)
        elif key == "speed":
            value = _speed(rng, lang)
        else:
            raise KeyError(key)
        self[key] = value
        return value


# --- sector texts: the core sentence of a message ---------------------------------------------------------

Pool = dict[str, tuple[str, ...]]

SECTOR_TEXTS: dict[str, dict[str, Pool]] = {
    "airline": {
        EN: {
            NEG: (
                "Flight {flight} delayed AGAIN. {hours} hours at the gate and not one update.",
                "My bag never made it to {city}. File {ref}, {days} days, zero calls back.",
                "You cancelled my {time} flight by text at 2am and rebooked me for {day}. How is that ok?",
                "Paid {fee} for an exit row seat and got moved to row 34 without a word.",
                "{mins} minutes in the rebooking line in {city} with {n} agents for a whole cancelled flight.",
                "The app checked me in, then the gate agent said my boarding pass was invalid. Missed my flight.",
                "Still no refund for booking {ref}, it's been {weeks} weeks since you cancelled it.",
                "Missed my connection in {city} because of your delay and the meal voucher is {fee}. A joke.",
                "Great, another delay on {flight}. Just how I wanted to spend my {weekday}.",
                "Your crew on {flight} was so rude to my mom when she asked for help with her bag.",
                "Broken seat, dead screen and no water on a {hours} hour flight. {flight} was a mess.",
                "Why is the website charging me a fee to sit next to my 4 year old??",
                "Stuck on the tarmac in {city} for {mins} minutes and the pilot has said nothing.",
                "Overbooked again and I'm the one who gets bumped. Gold member, by the way.",
            ),
            NEU: (
                "What's the carry-on size limit on the basic fare?",
                "Can I add a checked bag to booking {ref} after check-in opens?",
                "Is {flight} to {city} still leaving at {time}? The app shows two different gates.",
                "Do you allow small dogs in the cabin on flights to {city}?",
                "How early does bag drop open in {city} for a {time} departure?",
                "Need to fix a typo in the passenger name on {ref}. What's the process?",
                "Is there wifi on the {city} route or should I download movies before?",
                "Which terminal do you use at {city} airport?",
                "Does the fare on {date} include a meal or is it buy on board?",
                "Can my kid (15) fly alone to {city} or does she need the escort service?",
            ),
            POS: (
                "Huge thanks to the crew on {flight}, they found my son's tablet and brought it to the gate.",
                "Smooth flight to {city} and we landed {early} minutes early. Nice work {brand}!",
                "{agent} at the {city} desk rebooked me in two minutes and was so kind about it.",
                "Refund for {ref} landed in {days} days, no chasing needed. Thank you!",
                "Surprise upgrade on our anniversary trip, you made our week ❤️",
                "Best legroom I've had in economy in years. Booking {brand} again.",
                "Thanks for holding the plane in {city}, we made our connection with a minute to spare!",
                "My lost bag was delivered to the hotel the same evening. Genuinely impressed.",
                "The gate team in {city} handled a {hours} hour delay like pros, snacks and constant updates.",
                "Pilot on {flight} explained every bump of the turbulence, my nervous flyer wife loved it.",
            ),
        },
        ES: {
            NEG: (
                "Vuelo {flight} retrasado otra vez. Llevamos {hours} horas en la puerta y nadie informa de nada.",
                "Mi maleta no llegó a {city}. Reclamación {ref} y en {days} días nadie me ha llamado.",
                "Me cancelan el vuelo de las {time} por SMS y me pasan para {day}. ¿En serio?",
                "Pagué {fee} por elegir asiento y me sentaron en la última fila. Quiero mi dinero.",
                "Llevo {weeks} semanas esperando la devolución de la reserva {ref}. Una vergüenza.",
                "{mins} minutos en la cola de {city} para cambiar el vuelo y solo hay {n} personas atendiendo.",
                "Perdí la conexión en {city} por su retraso y el vale de comida es de {fee}. Un chiste.",
            ),
            NEU: (
                "¿Cuánto peso se permite en el equipaje de mano con la tarifa básica?",
                "¿Puedo cambiar la fecha del vuelo {flight} sin penalización?",
                "¿A qué hora abre el mostrador en {city} para el vuelo de las {time}?",
                "¿Se puede viajar con mascota en cabina a {city}?",
                "¿Hay que imprimir la tarjeta de embarque o vale con la del móvil?",
                "¿La tarifa del {date} incluye maleta facturada?",
            ),
            POS: (
                "Gracias a la tripulación del {flight}, súper amables con mi abuela durante todo el vuelo.",
                "Llegamos a {city} {early} minutos antes de lo previsto. ¡Así da gusto volar!",
                "{agent}, del mostrador de {city}, me cambió el vuelo en un momento. Mil gracias.",
                "Me devolvieron el dinero de la reserva {ref} en {days} días. Muy bien, la verdad.",
                "Vuelo puntual, asientos cómodos y el personal encantador. Repetiré con {brand}.",
            ),
        },
    },
    "telco": {
        EN: {
            NEG: (
                "Internet has been down since {day_past} and your status page says everything is fine.",
                "Paying for {plan_speed} Mbps and getting {speed}. Every single evening.",
                "Third outage this week. I work from home, this is costing me money.",
                "Your tech was supposed to come between 8 and 12. It's {time_late} and nobody showed up.",
                "You charged me {amount} in roaming for a trip where I had data turned OFF.",
                "Ticket {ref} was closed as 'resolved' but nothing was fixed.",
                "No signal in my own living room since the 'network upgrade'. Great upgrade.",
                "I cancelled {weeks} weeks ago and you just billed me again.",
                "Passed between {n} departments on the phone and nobody can port my number.",
                "Why did my bill jump to {amount} when my plan didn't change?",
                "Router reboots every 20 minutes and chat support just tells me to restart it.",
                "Calls drop the moment I walk into my kitchen. Paying {fee} a month for this.",
            ),
            NEU: (
                "Is there an outage in {city} right now? Router lights are orange.",
                "How do I switch from {plan} to a cheaper plan without a fee?",
                "Does {plan} include roaming in Mexico?",
                "Can I keep my number if I move to prepaid?",
                "When does my contract end? Account {ref}.",
                "What's the difference between the 300 and the 600 fiber plans apart from speed?",
                "Is eSIM supported on your network for older phones?",
                "Moving on {date}. How do I transfer my internet to the new address?",
                "Do you have coverage maps for rural areas near {city}?",
            ),
            POS: (
                "Fiber installed today and the speed test says {plan_speed} Mbps. Worth the wait!",
                "{agent} on chat fixed my billing issue in 10 minutes. Thank you!",
                "Tech showed up early, ran the cable neatly and explained everything. 10/10.",
                "Roaming worked perfectly the whole trip, no surprises on the bill. Love it.",
                "Signal in the new house is great, thanks for sorting the booster so fast.",
                "Finally a phone company that answers on the first ring. Thanks {brand}!",
                "You refunded the {fee} overcharge without me having to ask twice. Appreciate it.",
                "Switched to {brand} last month, bill went down and speed went up. No regrets.",
            ),
        },
        ES: {
            NEG: (
                "Llevo desde {day_past} sin internet y en la web dice que no hay incidencias.",
                "Pago {plan_speed} megas y me llegan {speed}. Todas las noches igual.",
                "El técnico tenía que venir de 8 a 12. Son las {time_late} y aquí no ha venido nadie.",
                "Me cobraron {amount} de roaming con los datos desactivados. Explíquenme eso.",
                "Di de baja la línea hace {weeks} semanas y me siguen cobrando.",
                "La incidencia {ref} la cerraron como resuelta y sigo sin línea.",
                "Se corta la llamada cada vez que entro en la cocina. Y pago {fee} al mes por esto.",
            ),
            NEU: (
                "¿Hay alguna avería en {city}? El router tiene la luz roja.",
                "¿Cómo cambio de {plan} a una tarifa más barata?",
                "¿Puedo mantener mi número si paso a prepago?",
                "Me mudo el {date}, ¿cómo traslado la fibra al nuevo domicilio?",
                "¿La tarifa {plan} incluye roaming en Estados Unidos?",
                "¿Cuándo termina mi permanencia? Cliente {ref}.",
            ),
            POS: (
                "Hoy me instalaron la fibra y el test da {plan_speed} megas. ¡Una maravilla!",
                "{agent} del chat me solucionó lo de la factura en diez minutos. ¡Gracias!",
                "El técnico llegó puntual, dejó todo ordenado y me lo explicó todo. De diez.",
                "Me devolvieron los {fee} que me cobraron de más sin tener que insistir. Gracias.",
                "Por fin una compañía que contesta al primer tono. Gracias {brand}.",
            ),
        },
    },
    "bank": {
        EN: {
            NEG: (
                "Card blocked while I'm abroad even though I set a travel notice. Stranded at the checkout.",
                "A transfer of {amount} left my account {days} days ago and never arrived. Case {ref}.",
                "Your app logs me out every time I switch screens. Can't even check my balance.",
                "Charged an overdraft fee because YOUR deposit was late. Reverse it.",
                "{mins} minutes on hold to report a stolen card. That's how fraud wins.",
                "The branch on {street} closed without notice and the next one is 40 minutes away.",
                "Two identical charges of {amount} and the dispute form keeps erroring out.",
                "Locked out of online banking for {days} days because the verification code never arrives.",
                "Love how the app update deleted all my saved payees. Really helpful.",
                "Mortgage payment taken twice this month. I want this fixed today.",
            ),
            NEU: (
                "What's the daily limit for contactless payments?",
                "How long does an international transfer to Spain usually take?",
                "Can I order a replacement card from the app or do I need to go to a branch?",
                "Is there a fee for withdrawing cash abroad with the debit card?",
                "Do I need to tell you before traveling to {city}?",
                "Where can I find my IBAN in the new app?",
                "Are branches open on {holiday}?",
                "How do I add my partner as a joint holder on my savings account?",
            ),
            POS: (
                "Fraud team called within minutes of a weird charge and sent a new card the same day. Thank you!",
                "{agent} at the {city} branch walked me through the mortgage paperwork with so much patience.",
                "Instant transfers, no fees and a clean app. Should've switched to {brand} years ago.",
                "The disputed {amount} charge was refunded in {days} days. Smooth process.",
                "Got a real human on the phone in under 2 minutes. Who are you and what did you do to banking?",
                "New app update is so much faster. Well done {brand}.",
                "Thanks for waiving the late fee, it was a rough month and that helped a lot.",
                "Card was declined abroad, one call and it worked 5 minutes later. Appreciate it.",
            ),
        },
        ES: {
            NEG: (
                "Me bloquearon la tarjeta en pleno viaje aunque avisé antes de salir. Vergonzoso.",
                "Hice una transferencia de {amount} hace {days} días y no ha llegado. Caso {ref}.",
                "La app me echa cada vez que cambio de pantalla. No puedo ni ver el saldo.",
                "Me cobraron una comisión de {fee} sin ningún aviso. Quiero que me la devuelvan.",
                "{mins} minutos esperando para bloquear una tarjeta robada. Así no se puede.",
                "Dos cargos iguales de {amount} y el formulario de reclamación da error.",
            ),
            NEU: (
                "¿Cuál es el límite diario para pagos sin contacto?",
                "¿Cuánto tarda una transferencia internacional a {city}?",
                "¿Puedo pedir una tarjeta nueva desde la app o tengo que ir a la oficina?",
                "¿Dónde encuentro el IBAN en la app nueva?",
                "¿Hay comisión por sacar dinero en el extranjero con la tarjeta de débito?",
            ),
            POS: (
                "Me llamaron de fraude a los cinco minutos de un cargo raro y al día siguiente tenía tarjeta nueva.",
                "{agent}, de la oficina de {city}, me explicó la hipoteca con muchísima paciencia.",
                "Transferencias al momento, sin comisiones y una app muy clara. Encantado con {brand}.",
                "Me devolvieron el cargo de {amount} en {days} días. Muy fácil todo.",
                "Gracias por quitarme la comisión, fue un mes complicado y se agradece.",
            ),
        },
    },
    "ecommerce": {
        EN: {
            NEG: (
                "Order {ref} says delivered. It is not here. Not at the door, not with the neighbors, nowhere.",
                "Ordered {item}, received {wrong_item}. The return label link doesn't work.",
                "Refund for order {ref} was 'processed' {weeks} weeks ago. Where is my money?",
                "Your site charged my card and then said the order failed. Twice.",
                "I was promised delivery by {weekday}. Now it says 'delayed indefinitely'. Cool.",
                "Got {item} in pieces and your chat bot keeps sending me the FAQ.",
                "Cancelled {ref} within 5 minutes and you still shipped it and charged me {amount}.",
                "Why do I have to pay {fee} to return something YOU sent wrong?",
                "Price dropped by {fee} the day after I bought it and support won't match it.",
                "Every time I log in I get a different error. I'm trying to buy {item}, not launch a rocket.",
            ),
            NEU: (
                "Can I change the delivery address on order {ref}? It hasn't shipped yet.",
                "Do you ship to Puerto Rico?",
                "Is the {item} on the product page the 2025 or the 2026 model?",
                "How long do refunds take to show up after you receive a return?",
                "Does the Black Friday price apply to orders placed now?",
                "Where do I find the invoice for order {ref}?",
                "Is there a way to combine two orders into one shipment?",
                "What's the return window for items bought during the sale?",
            ),
            POS: (
                "Ordered {item} on {weekday} night and it was at my door the next morning. Impressive.",
                "Return processed and refund in my account in {days} days. Easy.",
                "Support sent a replacement before I even shipped the broken one back. That's service.",
                "Best packaging ever, {item} arrived without a single scratch. Thanks {brand}!",
                "{agent} from support tracked down my lost order and upgraded the shipping for free. Thank you!",
                "Love the new size guide, finally bought shoes that fit the first time.",
                "Price match done in one chat message. Customer for life.",
                "Gift arrived beautifully wrapped and right on time for the birthday 🎁",
            ),
        },
        ES: {
            NEG: (
                "El pedido {ref} aparece como entregado y aquí no ha llegado nada.",
                "Pedí {item} y me llegó {wrong_item}. El enlace de devolución no funciona.",
                "El reembolso del pedido {ref} lleva {weeks} semanas 'en proceso'. ¿Dónde está mi dinero?",
                "Me cobraron el pedido y luego la web dijo que había fallado. Dos veces.",
                "Cancelé el pedido a los cinco minutos y aun así lo enviaron y me cobraron {amount}.",
                "Me llegó {item} en mal estado y el chat solo me manda enlaces a las preguntas frecuentes.",
            ),
            NEU: (
                "¿Puedo cambiar la dirección de entrega del pedido {ref}? Todavía no ha salido.",
                "¿Hacen envíos a Canarias?",
                "¿Cuánto tarda en reflejarse el reembolso después de una devolución?",
                "¿Dónde descargo la factura del pedido {ref}?",
                "¿El descuento del Black Friday vale para pedidos hechos hoy?",
            ),
            POS: (
                "Pedí {item} el {weekday} por la noche y al día siguiente ya lo tenía en casa. ¡Impresionante!",
                "Devolución hecha y el dinero en la cuenta en {days} días. Facilísimo.",
                "Me mandaron el reemplazo antes de devolver el pedido defectuoso. Eso es servicio.",
                "{agent} de atención al cliente encontró mi pedido perdido. ¡Mil gracias!",
                "Todo llegó perfecto y muy bien embalado. Gracias {brand}.",
            ),
        },
    },
    "delivery": {
        EN: {
            NEG: (
                "Tracking {ref} hasn't moved from 'out for delivery' in {days} days.",
                "Driver marked my parcel as 'customer not home'. I was home. I have a doorbell camera.",
                "You left my package on the porch in the rain and {item} inside is soaked.",
                "Parcel delivered to the wrong address, I can see it in the photo. That's not my house.",
                "Third missed delivery in a row and now I have to drive {mins} minutes to a depot that closes at 5.",
                "Paid {fee} for next day delivery. It's day {days}.",
                "Your driver threw the box over my fence. It said FRAGILE in huge letters.",
                "Tracking says 'exception' and nobody can tell me what that means.",
                "A customs fee of {fee} on a birthday present? Nobody warned me about that.",
                "Great job, package {ref} went on a scenic tour of {city} and came back to the warehouse.",
            ),
            NEU: (
                "Can I redirect parcel {ref} to a pickup point?",
                "What time do drivers usually finish on {weekday_pl}?",
                "Do I need to be home to sign for {ref}?",
                "How do I book a pickup for a return?",
                "Is the {city} depot open on weekends?",
                "What does 'held at facility' mean on my tracking?",
                "Can the driver leave it with my neighbor at number {house}?",
            ),
            POS: (
                "Driver called ahead, waited while I came down and was super friendly. Thanks!",
                "Parcel arrived a day early and the tracking was spot on the whole way.",
                "{agent} on chat found my lost parcel at the depot and had it delivered the same day. Legend.",
                "The photo on delivery is such a good idea, no more guessing where the box is.",
                "Thanks to the driver who carried {item} up {n} flights of stairs 🙏",
                "Changed the delivery day in the app in 10 seconds. Love it.",
                "Fastest delivery I've had all year, ordered at 9am and it was here by {time}.",
            ),
        },
        ES: {
            NEG: (
                "El envío {ref} lleva {days} días 'en reparto' y no se mueve.",
                "El repartidor puso 'ausente' y yo estaba en casa todo el día. Tengo cámara en la puerta.",
                "Dejaron el paquete bajo la lluvia y todo lo de dentro se mojó.",
                "Pagué {fee} por entrega urgente y ya vamos por el día {days}.",
                "Entregaron el paquete en otra dirección, se ve en la foto. Esa no es mi casa.",
            ),
            NEU: (
                "¿Puedo cambiar el envío {ref} a un punto de recogida?",
                "¿Hasta qué hora reparten los {weekday_pl}?",
                "¿Qué significa 'retenido en almacén' en el seguimiento?",
                "¿Cómo pido que recojan una devolución en casa?",
                "¿El centro de {city} abre los fines de semana?",
            ),
            POS: (
                "El repartidor llamó antes de llegar y fue súper amable. ¡Gracias!",
                "El paquete llegó un día antes y el seguimiento fue exacto en todo momento.",
                "{agent} del chat encontró mi paquete perdido y me lo trajeron el mismo día. Un crack.",
                "Gracias al repartidor que subió {item} por {n} pisos sin ascensor 🙏",
                "Cambié el día de entrega desde la app en diez segundos. Genial.",
            ),
        },
    },
    "streaming": {
        EN: {
            NEG: (
                "Buffering every 30 seconds on a {plan_speed} Mbps connection. It's not my internet.",
                "You raised the price AGAIN and removed half the shows I watch.",
                "Charged {fee} after I cancelled my subscription on {date}.",
                "The TV app logs me out every single day. Tired of typing my password with a remote.",
                "{show} vanished from my list in the middle of the season. Why??",
                "Audio is out of sync on every episode of {show}. Unwatchable.",
                "Error {code} on every device since this morning. Paying customer here.",
                "Perfect timing, the stream dies right at the {show} finale. Thanks a lot.",
                "Ads on a plan I pay {fee} a month for. No thanks.",
                "Subtitles are 5 seconds late and the 'report a problem' button does nothing.",
            ),
            NEU: (
                "When does season 2 of {show} come out?",
                "How many screens can I use at the same time on the basic plan?",
                "Is {show} available to download for offline viewing?",
                "Can I change the email on my account without losing my profiles?",
                "What does error {code} mean?",
                "Is the price increase for existing subscribers too or only new ones?",
                "Is there a student discount?",
            ),
            POS: (
                "{show} is the best thing I've watched all year. Thank you for renewing it!",
                "The download feature saved my {hours} hour flight. Love it.",
                "Support refunded the double charge in one chat. Super easy.",
                "4K on the new app looks incredible, no buffering at all 🔥",
                "Loving the new kids profile, my daughter can finally find her shows by herself.",
                "Thanks {agent} for fixing my account in minutes, you're a star.",
                "Whoever picks your documentaries deserves a raise.",
            ),
        },
        ES: {
            NEG: (
                "Se corta cada 30 segundos con una conexión de {plan_speed} megas. No es mi internet.",
                "Subieron el precio OTRA VEZ y quitaron la mitad de las series que veo.",
                "Me cobraron {fee} después de cancelar la suscripción el {date}.",
                "El error {code} aparece en todos mis dispositivos desde esta mañana.",
                "Justo en el último capítulo de {show} se cae la app. Gracias, eh.",
            ),
            NEU: (
                "¿Cuándo sale la segunda temporada de {show}?",
                "¿Cuántas pantallas puedo usar a la vez con el plan básico?",
                "¿Se puede descargar {show} para verla sin conexión?",
                "¿Qué significa el error {code}?",
                "¿Tienen descuento para estudiantes?",
            ),
            POS: (
                "{show} es lo mejor que he visto este año. ¡Gracias por renovarla!",
                "Las descargas me salvaron un vuelo de {hours} horas. Me encanta.",
                "Me devolvieron el cobro duplicado en un solo chat. Facilísimo.",
                "La nueva app va rapidísima y se ve en 4K sin cortes 🔥",
                "Gracias {agent} por arreglar mi cuenta en minutos, eres un sol.",
            ),
        },
    },
    "energy": {
        EN: {
            NEG: (
                "Power's been out on our street for {hours} hours and your outage map shows nothing.",
                "My bill is {amount} this month. I was on vacation for half of it.",
                "Estimated reading AGAIN. I've sent you the meter photo {n} times.",
                "You booked a meter visit, I took the day off, nobody came. Thanks for that.",
                "Third power cut this week, everything in my fridge is ruined.",
                "Moved out {weeks} weeks ago and I'm still getting bills for the old flat.",
                "The payment portal rejected my card {n} times, then you charged a late fee. Unreal.",
                "Direct debit went up to {amount} with no explanation at all.",
            ),
            NEU: (
                "Is there planned maintenance in {city} this {weekday}?",
                "How do I submit a meter reading online?",
                "Can I switch to paperless billing?",
                "What's the difference between the fixed and the variable tariff?",
                "Moving on {date}, how do I close my account?",
                "Is there a way to spread my bill into monthly payments?",
            ),
            POS: (
                "Power back on in under an hour after the storm. Thanks to the crews out in the cold.",
                "{agent} explained my bill line by line and found a mistake in my favor. Thank you!",
                "Switched to the green tariff and my bill actually went down. Nice.",
                "The outage texts are really helpful, we knew exactly when it would be fixed.",
                "Smart meter install took 20 minutes and the engineer was lovely.",
            ),
        },
        ES: {
            NEG: (
                "Llevamos {hours} horas sin luz en la calle y en su mapa de averías no aparece nada.",
                "La factura de este mes es de {amount} y estuve de viaje la mitad del mes.",
                "Otra vez lectura estimada. Les mandé la foto del contador {n} veces.",
                "Me di de baja hace {weeks} semanas y me siguen llegando facturas.",
                "Tercer apagón de la semana y se me echó a perder todo lo de la nevera.",
            ),
            NEU: (
                "¿Hay algún corte programado en {city} este {weekday}?",
                "¿Cómo envío la lectura del contador por internet?",
                "¿Puedo pasarme a la factura electrónica?",
                "¿Qué diferencia hay entre la tarifa fija y la variable?",
                "Me mudo el {date}, ¿cómo cierro el contrato?",
            ),
            POS: (
                "Volvió la luz en menos de una hora después de la tormenta. Gracias a los técnicos.",
                "{agent} me explicó la factura punto por punto y encontró un error a mi favor. ¡Gracias!",
                "Me pasé a la tarifa verde y encima pago menos. Genial.",
                "La instalación del contador inteligente fue rapidísima y el técnico un encanto.",
            ),
        },
    },
    "water": {
        EN: {
            NEG: (
                "Water pressure has been a trickle since {day_past}. Can't even shower.",
                "Brown water coming out of the tap in {city} and no notice from you at all.",
                "No water since {time} and your helpline just plays music.",
                "Bill says I used as much water as a swimming pool. I live alone in a studio.",
                "Road dug up outside my house for {weeks} weeks and nobody is working on it.",
            ),
            NEU: (
                "Is the water safe to drink after the boil notice in {city}?",
                "How do I read my water meter?",
                "Who do I contact about a leak on the street, you or the city?",
                "Is there a discount for low water users?",
            ),
            POS: (
                "Crew fixed the burst main on our street overnight. Heroes.",
                "Thanks for the heads up text before the shutoff, we filled the bath in time.",
                "{agent} spotted the leak from my bill and saved me a fortune. Thank you!",
                "Water back on in 2 hours as promised. Great communication.",
            ),
        },
        ES: {
            NEG: (
                "Sale agua marrón del grifo en {city} y ni un aviso de su parte.",
                "Llevamos desde las {time} sin agua y el teléfono solo pone música.",
                "La calle lleva {weeks} semanas levantada y no hay nadie trabajando.",
            ),
            NEU: (
                "¿Se puede beber el agua del grifo después del aviso en {city}?",
                "¿Cómo leo el contador del agua?",
                "¿A quién aviso de una fuga en la calle, a ustedes o al ayuntamiento?",
            ),
            POS: (
                "Arreglaron la tubería rota de la calle en una noche. Unos cracks.",
                "Gracias por avisar por SMS antes del corte, nos dio tiempo a llenar garrafas.",
                "El agua volvió en dos horas, tal como dijeron. Muy buena comunicación.",
            ),
        },
    },
    "software": {
        EN: {
            NEG: (
                "Since the {version} update {feature} is completely broken. Lost a whole afternoon of work.",
                "Your app crashes the second I open it. Reinstalled {n} times.",
                "Charged me for the annual plan after I turned off auto-renew. I want my {amount} back.",
                "Support ticket {ref} open for {weeks} weeks. Not even an acknowledgement.",
                "Who thought removing {feature} was a good idea?",
                "Sync deleted {n} of my notes. Just gone. This is a nightmare.",
                "Two-factor codes never arrive so I'm locked out of my own account.",
                "Oh nice, another update that moves every button. Love relearning the app every month.",
                "Error {code} every time I try to export. My deadline is tomorrow.",
                "The app drains my battery in like 2 hours since {version}.",
            ),
            NEU: (
                "Is there a way to export everything to CSV?",
                "Does the family plan include {feature}?",
                "When will {feature} come to the Android app?",
                "How do I move my account to a new email?",
                "Is there a keyboard shortcut for search?",
                "Does {version} fix the calendar bug?",
                "Can I use the app offline on a plane?",
                "Where can I download older invoices?",
            ),
            POS: (
                "{version} is so fast. Whatever you did, thank you.",
                "Reported a bug yesterday and it was fixed in today's update. Amazing team.",
                "{feature} is a game changer for my workflow. Love it!",
                "Support got my deleted files back. You saved my thesis 🙏",
                "Been using {brand} for {years} years and it just keeps getting better.",
                "{agent} from support walked me through the migration step by step. Superb.",
                "Finally dark mode! My eyes thank you.",
            ),
        },
        ES: {
            NEG: (
                "Desde la actualización {version}, {feature} no funciona. Perdí toda la tarde.",
                "La app se cierra nada más abrirla. La he reinstalado {n} veces.",
                "Me cobraron el plan anual aunque desactivé la renovación. Quiero mis {amount}.",
                "La incidencia {ref} lleva {weeks} semanas abierta sin respuesta.",
                "La sincronización me borró {n} notas. Desaparecidas. Un desastre.",
            ),
            NEU: (
                "¿Se puede exportar todo a CSV?",
                "¿Cuándo llega {feature} a la app de Android?",
                "¿Cómo cambio el correo de mi cuenta?",
                "¿Se puede usar la app sin conexión en el avión?",
                "¿La versión {version} arregla el error del calendario?",
            ),
            POS: (
                "La versión {version} va rapidísima. Lo que hayan hecho, gracias.",
                "Reporté un error ayer y hoy ya estaba arreglado. Qué equipo.",
                "El soporte recuperó mis archivos borrados. ¡Me salvaron la tesis! 🙏",
                "Uso {brand} desde hace {years} años y cada vez me gusta más.",
                "¡Por fin modo oscuro! Mis ojos lo agradecen.",
            ),
        },
    },
    "food": {
        EN: {
            NEG: (
                "Order {ref} took {mins} minutes and arrived stone cold.",
                "Paid for {dish} and got someone else's salad.",
                "The driver ate my fries. The bag was open and half empty.",
                "Missing half my order and the app only lets me get a {fee} credit.",
                "Order cancelled after an hour of waiting. No explanation, just 'sorry for the inconvenience'.",
                "App said 15 minutes for {mins} minutes straight.",
                "Got charged twice for order {ref}.",
                "Allergy note said NO PEANUTS. Guess what was in the {dish}.",
                "Love paying {fee} in 'service fees' for food that shows up cold.",
            ),
            NEU: (
                "Can I change the delivery address after placing the order?",
                "Do you deliver to {street} after 11pm?",
                "How do I add a tip after delivery?",
                "Is the promo code valid for pickup orders?",
                "Can I schedule an order for {time} tomorrow?",
                "What's the minimum order for free delivery?",
            ),
            POS: (
                "Our {dish} arrived hot in 20 minutes. You guys are quick!",
                "Driver saw I'd put the wrong building and still found me. Above and beyond, thank you.",
                "Refunded my missing drink in seconds. Painless.",
                "Late night delivery of {dish} to my hospital shift. You're lifesavers.",
                "The new group order feature made our office lunch so easy 🙌",
                "Shoutout to {agent}, the driver who helped me carry everything upstairs.",
            ),
        },
        ES: {
            NEG: (
                "El pedido {ref} tardó {mins} minutos y llegó helado.",
                "Pagué {dish} y me trajeron la ensalada de otra persona.",
                "Falta la mitad del pedido y la app solo me ofrece {fee} de crédito.",
                "Me cancelaron el pedido después de una hora esperando. Sin explicación.",
                "Puse SIN CACAHUETE en la nota. Adivinen qué llevaba la comida.",
            ),
            NEU: (
                "¿Puedo cambiar la dirección después de hacer el pedido?",
                "¿Reparten en {city} después de medianoche?",
                "¿Cómo añado propina después de la entrega?",
                "¿El código de descuento vale para recoger en el local?",
                "¿Cuál es el pedido mínimo para el envío gratis?",
            ),
            POS: (
                "Llegó {dish} en veinte minutos y bien caliente. ¡Qué rapidez!",
                "Puse mal el portal y el repartidor aun así dio conmigo. Un crack.",
                "Me devolvieron la bebida que faltaba en segundos. Así da gusto.",
                "Cena a las 2 de la mañana en plena guardia del hospital. ¡Me salvaron la noche!",
                "Gracias a {agent}, el repartidor más amable del mundo.",
            ),
        },
    },
    "hotel": {
        EN: {
            NEG: (
                "Booked a king room, got two singles pushed together. Confirmation {ref}.",
                "Room {room} smells like smoke and the front desk says there's nothing else available.",
                "Charged a {fee} 'resort fee' that wasn't mentioned anywhere when I booked.",
                "AC broken in room {room}, reported it {n} times, still 30 degrees in here.",
                "Check-in at 3, room ready at 6:40. Sat in the lobby with two kids for hours.",
                "Deposit of {amount} still not refunded {weeks} weeks after checkout.",
                "Construction noise from 7am and nobody mentioned it when we booked.",
                "Wifi in room {room} is non existent. I'm here for work.",
                "Stunning pool. Shame it was closed our entire stay.",
            ),
            NEU: (
                "Is breakfast included with the standard rate?",
                "Can I request a late checkout for {date}?",
                "Do you have parking at the {city} location?",
                "Is there a shuttle from the airport?",
                "Can I add a crib to booking {ref}?",
                "Are pets allowed at the {city} hotel?",
                "What time does the pool open?",
            ),
            POS: (
                "{agent} at reception upgraded us for our anniversary. What a welcome ❤️",
                "Spotless room, comfy bed and the best breakfast buffet in {city}.",
                "Forgot my charger in room {room} and you mailed it to me for free. Thank you!",
                "Staff at the {city} hotel went out of their way for my dad's birthday. Unforgettable.",
                "Quietest room I've ever had in a city hotel. Slept like a baby.",
                "Early check-in after a red-eye flight. You're angels.",
            ),
        },
        ES: {
            NEG: (
                "Reservé habitación doble y me dieron dos camas individuales juntas. Reserva {ref}.",
                "La habitación {room} huele a tabaco y en recepción dicen que no hay otra.",
                "Me cobraron {fee} de 'tasa de resort' que no aparecía al reservar.",
                "El aire acondicionado de la habitación {room} no funciona. Lo he dicho {n} veces.",
                "La fianza de {amount} sigue sin devolverse {weeks} semanas después.",
            ),
            NEU: (
                "¿El desayuno está incluido en la tarifa estándar?",
                "¿Puedo pedir salida tardía el {date}?",
                "¿Tienen parking en el hotel de {city}?",
                "¿Hay traslado desde el aeropuerto?",
                "¿Se admiten mascotas en el hotel de {city}?",
            ),
            POS: (
                "{agent} en recepción nos subió de categoría por nuestro aniversario. ¡Qué detalle! ❤️",
                "Habitación impecable, cama comodísima y el mejor desayuno de {city}.",
                "Me dejé el cargador en la habitación y me lo enviaron gratis. ¡Gracias!",
                "El personal del hotel de {city} se volcó con el cumpleaños de mi padre. Inolvidable.",
                "Nos dejaron entrar temprano después de un vuelo nocturno. Son unos ángeles.",
            ),
        },
    },
}

# Core sentences that fit any sector.
GENERIC: dict[str, Pool] = {
    EN: {
        NEG: (
            "Been on hold for {mins} minutes just to be told to call back tomorrow.",
            "Your customer service is a maze of bots. I just want a human.",
            "{brand} never again.",
            "Still no reply to my DM from {day_past}.",
            "Worst customer service I've dealt with this year, and it's been a long year.",
            "Why is it impossible to cancel online when signing up took 30 seconds?",
            "Answer your DMs!!",
            "This is a joke",
            "I've explained my problem to {n} different agents now.",
            "Hello?? Anyone there?",
            "Worst. Service. Ever.",
            "Day {days} of waiting for a callback that was promised within 24 hours.",
            "Your 'we value your feedback' email is the funniest thing I've read all week.",
        ),
        NEU: (
            "Do you have a phone number for support or is it chat only?",
            "What are your support hours on weekends?",
            "DM sent",
            "Check your DMs please",
            "Following up on case {case}.",
            "Just sent the details by DM.",
            "Is there an email address for formal complaints?",
            "Who do I contact about a data access request?",
            "Is the support chat available in Spanish?",
            "Can you follow me back so I can DM you?",
        ),
        POS: (
            "{brand} support sorted it in one chat. That's how it's done.",
            "You guys are the best",
            "Sorted, thank you!",
            "Perfect, thanks for the quick reply!",
            "Love you {brand} 😍",
            "Problem solved in 5 minutes. Impressed.",
            "Thank you for actually listening.",
            "Just wanted to say your support team is fantastic.",
            "That was easy. Thanks {agent}!",
            "You turned a bad day around. Thank you.",
            "Best support experience I've had in ages.",
            "Faith in customer service restored. Thanks {agent}!",
        ),
    },
    ES: {
        NEG: (
            "Llevo {mins} minutos al teléfono para que me digan que llame mañana.",
            "Su atención al cliente es un laberinto de bots. Quiero hablar con una persona.",
            "{brand} nunca más.",
            "Sigo sin respuesta a mi mensaje privado de hace {days} días.",
            "Peor atención al cliente imposible.",
            "¿Por qué darse de baja es imposible si darse de alta se hace en un minuto?",
            "¡Contesten los mensajes!",
            "Ya se lo he explicado a {n} agentes distintos.",
            "¿Hola? ¿Hay alguien ahí?",
        ),
        NEU: (
            "¿Tienen teléfono de atención o solo chat?",
            "¿Cuál es el horario de atención los fines de semana?",
            "Les mandé un DM",
            "Revisen el privado por favor",
            "Escribo para dar seguimiento al caso {case}.",
            "¿Hay un correo para reclamaciones formales?",
            "¿El chat de ayuda está disponible en español?",
        ),
        POS: (
            "El soporte de {brand} me lo resolvió en un solo chat. Así se hace.",
            "Son los mejores",
            "¡Solucionado, gracias!",
            "¡Perfecto, gracias por la respuesta tan rápida!",
            "Problema resuelto en cinco minutos. Impresionado.",
            "Gracias por escuchar de verdad.",
            "Solo quería decir que su equipo de atención es fantástico.",
            "Gracias {agent}, ¡qué fácil fue todo!",
            "La mejor atención que he tenido en años, gracias {agent}.",
        ),
    },
}

# --- wrappers: openers, greetings, second sentences, closings ---------------------------------------------

OPENERS: dict[str, Pool] = {
    EN: {
        NEG: ("Ugh.", "Seriously?", "Unbelievable.", "Wow.", "Come on.", "Not again.", "Hello??", "Hey,", "Hi,",
              "Honestly,", "Listen,", "So.", "Day {days} of this.", "Well.", "Again?", "Un-be-lievable."),
        NEU: ("Hi,", "Hello,", "Hey there,", "Quick question:", "Hi team,", "Morning!", "Question:",
              "Good evening,", "Hey,", "Hi!"),
        POS: ("Wow,", "Hey,", "Hi,", "Honestly,", "Shoutout time!", "Credit where it's due:", "Just a quick note:",
              "Wow.", "Oh my gosh,"),
    },
    ES: {
        NEG: ("Increíble.", "¿En serio?", "Otra vez.", "Vaya tela.", "Madre mía.", "Hola,", "Oigan,", "A ver,",
              "Buenas,", "Es el colmo.", "Lo de siempre."),
        NEU: ("Hola,", "Buenas tardes,", "Buenos días,", "Una consulta:", "Hola, una pregunta:", "Buenas noches,",
              "Disculpen,", "Buenas,"),
        POS: ("¡Hola!", "Buenas,", "Oye,", "Qué gusto.", "Hola,", "¡Qué maravilla!", "Tengo que decirlo:",
              "Vaya,"),
    },
}  # fmt: skip
GREETINGS = {
    EN: ("Hey {h},", "Hi {h},", "Hello {h},", "{h} hi,", "Dear {h},", "Yo {h},", "{h} hello,"),
    ES: ("Hola {h},", "Buenas {h},", "Oye {h},", "Buenos días {h},", "{h} hola,", "Buenas tardes {h},"),
}
EXTRAS: dict[str, Pool] = {
    EN: {
        NEG: (
            "This is the {nth} time this month.",
            "I've been a customer for {years} years.",
            "Nobody is answering the chat.",
            "Been on hold {mins} minutes now.",
            "I already sent my details twice.",
            "Absolutely ridiculous.",
            "Not impressed.",
            "No email, no call, nothing.",
            "Every agent tells me something different.",
            "I want a real fix, not another voucher.",
            "Seriously considering switching.",
            "Case {case}, in case anyone there reads these.",
            "I've got screenshots of everything.",
            "Your chat bot keeps closing the conversation.",
            "How hard can it be?",
            "My whole {weekday} wasted on this.",
            "I'm done being polite about it.",
        ),
        NEU: (
            "My account email is the one on this profile.",
            "Tried the help center but couldn't find it.",
            "Not urgent, just planning ahead.",
            "Can DM the details if needed.",
            "Asking for my mom, she's not on here.",
            "The FAQ page doesn't say.",
            "Reference {case} if that helps.",
            "I'm on the mobile app, latest version.",
            "Couldn't find it in the app settings.",
            "Thought I'd ask here first.",
        ),
        POS: (
            "Made my day.",
            "Really appreciate it.",
            "Made my week.",
            "You've got a customer for life.",
            "10/10 would recommend.",
            "Keep it up!",
            "Honestly impressed.",
            "Well done.",
            "This is why I stay with {brand}.",
            "Whoever trained your team, give them a raise.",
            "Can't recommend {brand} enough.",
            "Happy customer here.",
        ),
    },
    ES: {
        NEG: (
            "Es la {nth} vez este mes.",
            "Soy cliente desde hace {years} años.",
            "Nadie contesta en el chat.",
            "Llevo {mins} minutos en espera.",
            "Ya mandé mis datos dos veces.",
            "Ridículo.",
            "Cada agente me dice una cosa distinta.",
            "Ni un correo, ni una llamada, nada.",
            "Me estoy planteando cambiarme de compañía.",
            "Tengo capturas de todo.",
            "¿Tan difícil es?",
            "Quiero una solución, no excusas.",
        ),
        NEU: (
            "El correo de mi cuenta es el de este perfil.",
            "Busqué en la ayuda de la web pero no lo encuentro.",
            "No es urgente.",
            "Les paso los datos por DM si hace falta.",
            "Pregunto por mi madre, que no usa redes.",
            "Mi referencia es {case}.",
            "Uso la app del móvil, la última versión.",
        ),
        POS: (
            "Me alegraron el día.",
            "Se agradece muchísimo.",
            "Qué gusto da así.",
            "Cliente para siempre.",
            "Me alegraron la semana.",
            "¡Sigan así!",
            "¡Bravo!",
            "Por esto sigo con {brand}.",
            "Atención de diez.",
        ),
    },
}
CLOSINGS: dict[str, Pool] = {
    EN: {
        NEG: ("Fix this.", "Do better.", "Please sort it out.", "Unacceptable.", "Still waiting.",
              "Thanks for nothing.", "Never again.", "Embarrassing.", "I want answers.", "Sort it out {brand}.",
              "Pathetic.", "Call me back.", "smh"),
        NEU: ("Any info?", "Please advise.", "DM'd you.", "Sent a DM.", "Who should I contact?", "Let me know.",
              "Any idea?", "Can someone confirm?"),
        POS: ("Thank you!", "Thanks so much!", "Cheers!", "Much appreciated.", "You rock!", "Thx!",
              "Thanks again!", "Big thanks to the team.", "Legends."),
    },
    ES: {
        NEG: ("Solucionen esto ya.", "Qué vergüenza.", "Espero respuesta.", "Gracias por nada.", "Nunca más.",
              "Un desastre.", "Vergonzoso.", "Lamentable."),
        NEU: ("¿Me pueden ayudar?", "Quedo atenta.", "Quedo atento.", "Un saludo.", "Saludos.",
              "¿Alguna novedad?", "Les escribo por DM.", "¿Me confirman?"),
        POS: ("¡Gracias!", "¡Mil gracias!", "Gracias de verdad.", "Un abrazo al equipo.", "¡Son los mejores!",
              "Muchísimas gracias.", "Un diez."),
    },
}  # fmt: skip

# --- feed noise ---------------------------------------------------------------------------------------------

EMOJI = {
    NEG: ("😡", "😤", "🙄", "😒", "😩", "🤬", "👎", "😠", "😞", "💀", "🤦‍♂️", "🤦‍♀️", "😑", "🤡"),
    NEU: ("🤔", "🧐", "🙂", "📩"),
    POS: ("🙏", "😊", "❤️", "👏", "🙌", "💯", "🥳", "✨", "😍", "👍", "💙", "🎉", "🤩", "☺️", "😁"),
}
EMOTICONS = {NEG: (":(", ":/", ">:(", ":-("), NEU: (), POS: (":)", ":D", "<3", ":-)")}
SECTOR_EMOJI = {
    "airline": "✈️", "telco": "📶", "bank": "💳", "ecommerce": "🛒", "delivery": "📦", "streaming": "📺",
    "energy": "💡", "water": "🚰", "software": "💻", "food": "🍕", "hotel": "🏨",
}  # fmt: skip
HASHTAGS: dict[str, Pool] = {
    EN: {
        NEG: ("#fail", "#customerservice", "#badservice", "#stillwaiting", "#unacceptable", "#frustrated",
              "#neveragain", "#ripoff", "#CustomerServiceFail"),
        NEU: ("#help", "#question", "#customersupport"),
        POS: ("#happycustomer", "#thankyou", "#greatservice", "#shoutout", "#grateful", "#impressed"),
    },
    ES: {
        NEG: ("#PésimoServicio", "#QueVergüenza", "#SinRespuesta", "#AtenciónAlCliente", "#indignado"),
        NEU: ("#ayuda", "#consulta", "#duda"),
        POS: ("#gracias", "#ClienteFeliz", "#BuenServicio", "#chapó"),
    },
}  # fmt: skip
SECTOR_TAGS = {
    "airline": ("#travel", "#flights", "#avgeek"), "telco": ("#internet", "#wifi", "#fiber"),
    "bank": ("#banking",), "ecommerce": ("#onlineshopping",), "delivery": ("#parcel", "#delivery"),
    "streaming": ("#streaming", "#tv"), "energy": ("#energy", "#power"), "water": ("#water",),
    "software": ("#productivity", "#apps"), "food": ("#foodie", "#dinner"), "hotel": ("#travel", "#hotel"),
}  # fmt: skip
URL_LEADS = {
    NEG: {EN: ("screenshot:", "see", "proof:", "look:"), ES: ("captura:", "miren:", "prueba:")},
    NEU: {EN: ("screenshot:", "see", "re:"), ES: ("captura:", "ver", "adjunto:")},
    POS: {EN: ("look:", "pic:"), ES: ("miren:", "foto:")},
}
# Spellings people really use, per language (whole words only).
TYPOS = {
    EN: {
        "receive": "recieve", "definitely": "definately", "because": "becuase", "their": "thier",
        "until": "untill", "tomorrow": "tommorow", "already": "allready", "please": "pls", "thanks": "thx",
        "you": "u", "your": "ur", "minutes": "mins", "really": "rly", "people": "ppl", "waiting": "waitng",
        "address": "adress", "about": "abt", "with": "w/", "because of": "bc of", "though": "tho",
        "nothing": "nothin", "to be": "2 be", "before": "b4", "weird": "wierd", "customer": "custumer",
    },
    ES: {
        "qué": "que", "está": "esta", "también": "tambien", "por favor": "porfa", "porque": "xq",
        "más": "mas", "días": "dias", "teléfono": "telefono", "todavía": "todavia", "aquí": "aqui",
        "que": "q", "dónde": "donde", "cómo": "como", "ahora": "aora", "hacer": "aser", "vez": "ves",
        "para": "pa", "nada": "nd", "gracias": "grax", "mensaje": "msj",
    },
}  # fmt: skip
# Word -> index of the letter to repeat ("so" -> "soooo").
ELONGATE = {
    EN: {"so": 1, "please": 2, "really": 5, "why": 2, "long": 1, "slow": 2, "love": 1, "thanks": 2, "thank": 2,
         "hate": 1, "good": 2, "sorry": 4, "finally": 6, "amazing": 2, "now": 1, "no": 1, "nice": 1, "happy": 4,
         "cold": 1, "late": 1, "hours": 1, "wait": 1, "best": 1, "yes": 1, "omg": 2, "again": 3, "great": 2},
    ES: {"muy": 2, "gracias": 5, "nunca": 4, "tanto": 4, "mucho": 4, "bien": 2, "hola": 3, "ya": 1,
         "genial": 4, "lento": 4, "horas": 1, "mil": 1, "por fin": 6, "nada": 3, "increíble": 8, "todo": 3},
}  # fmt: skip
SHOUT_WORDS = {
    NEG: {EN: ("still", "never", "again", "nobody", "nothing", "every", "twice", "refund", "now", "not", "home",
               "broken", "cold", "wrong", "zero", "worst", "three", "days"),
          ES: ("nadie", "nunca", "otra", "vez", "nada", "todavía", "ya", "dos", "mal", "peor", "sigo", "días")},
    POS: {EN: ("thank", "you", "best", "amazing", "love", "so", "huge", "thanks"),
          ES: ("gracias", "mil", "mejores", "genial", "encanta")},
    NEU: {EN: (), ES: ()},
}  # fmt: skip


@dataclass(frozen=True)
class Style:
    """How often each kind of noise appears, per label."""

    shout_sentence: float
    shout_word: float
    elongate: float
    intensify: float
    emoji: float
    emoticon: float
    hashtag: float
    url: float


STYLES = {
    NEG: Style(0.07, 0.14, 0.10, 0.18, 0.33, 0.05, 0.14, 0.07),
    NEU: Style(0.0, 0.0, 0.02, 0.05, 0.06, 0.0, 0.06, 0.08),
    POS: Style(0.0, 0.08, 0.14, 0.15, 0.45, 0.06, 0.10, 0.03),
}

# --- hand-written hard messages (negation, sarcasm, mixed feelings), used as written ----------------------

HARD_LABELLED: tuple[tuple[str, str, str], ...] = (
    (EN, POS, "@AltiviaAir not bad at all for a budget airline, comfy seats and we left on time"),
    (EN, NEG, "@TelvoraMobile great, another outage right in the middle of my work call 🙄"),
    (EN, NEG, "Oh wonderful, @ParcelPikko marked my parcel as delivered and it's nowhere to be found. Love that."),
    (EN, NEG, "@StreamNestTV the show is great but the app crashes every 10 minutes, so not a great night"),
    (EN, POS, "@Northvale_Bank wasn't expecting much but the fraud team called me back within an hour. Respect."),
    (EN, POS, "@CloudkiteApp can't complain, sync has been flawless since the update"),
    (EN, POS, "@MunchrunEats food was a bit cold but the driver was lovely and you refunded the fee, so we're good"),
    (EN, NEU, "@HarborlineHotels what time is check-in and check-out at the downtown location?"),
    (EN, NEG, "@ShopOrbita thanks for nothing. 3 weeks and still no refund."),
    (EN, POS, "@BrightvoltPower no complaints, not a single outage this winter so far 👍"),
    (EN, NEU, "@Wavvlink I don't hate the new plan, I just want to know if roaming is included"),
    (EN, NEG, "@Flixora yeah sure, raise the price again, that'll fix the buffering 🙃"),
    (EN, POS, "Not sure what you changed but @PixeldeskHQ export works again. Not complaining!"),
    (EN, NEG, "@SkyloomAir 10/10 would sit on the tarmac for 3 hours again"),
    (EN, NEG, "@TelvoraMobile thank you SO much for charging me twice, really made my month"),
    (EN, POS, "@ClearbrookWater water's back. Took 2 days but your crew worked through the night, so thank you"),
    (EN, NEG, "@Notorama I love this app, which is why it hurts that you removed offline mode. Bring it back"),
    (EN, POS, "@BiteboxDelivery wrong order, but the replacement came in 15 min and it was perfect. Well handled"),
    (EN, NEG, "@Staylofts the view was stunning. Shame about the mold in the bathroom and the 2am fire alarm."),
    (EN, NEU, "@PennyRiverPay nothing wrong, just checking: do transfers go out on Sundays?"),
    (EN, NEG, "Wow @Wavvlink, 3 Mbps on a 500 Mbps plan. Truly next-level engineering."),
    (EN, NEG, "@Northvale_Bank the new app looks nice. Would be even nicer if it let me log in."),
    (EN, NEU, "@Crateway does 'label created' mean you have the parcel already or not yet?"),
    (EN, POS, "I never thought I'd say this but @TelvoraMobile support was actually helpful today"),
    (EN, NEG, "@ShopOrbita sooo... where's my package? 😂 day 9 and counting"),
    (EN, NEG, "@MunchrunEats you had one job. ONE. The pizza came with pineapple."),
    (EN, POS, "@CloudkiteApp no problem at all, the guide solved it. Thanks anyway!"),
    (EN, POS, "@Flixora not gonna lie, the new interface took a while but I actually like it now"),
    (EN, NEU, "@BrightvoltPower the bill isn't wrong, just higher than I expected. Can you explain the new tariff?"),
    (EN, POS, "@HarborlineHotels can't fault the staff. Can fault the wifi though 😅 Overall a lovely stay"),
    (EN, NEG, "@Crateway driver left the parcel in the rain. Again. At least it was the right street this time 🙄"),
    (EN, NEG, "@AltiviaAir couldn't be happier... said no one after 6 hours in Denver"),
    (EN, POS, "Shoutout to @PixeldeskHQ for fixing a bug I reported the same day. Not something you see often"),
    (EN, NEU, "@Northvale_Bank is it just me or is the app down?"),
    (EN, NEU, "@TelvoraMobile my bill says 0.00 this month?? not complaining, just want to make sure that's right"),
    (EN, NEG, "@StreamNestTV perfect timing, the server goes down right at the finale. Brilliant."),
    (EN, POS, "@ClearbrookWater I don't usually write these but the tech who came today was fantastic"),
    (EN, POS, "@ShopOrbita returned the item, got the refund, no questions asked. That's it, that's the tweet"),
    (EN, POS, "@MunchrunEats I'm not even mad, the driver sent me a photo of my dog guarding the food 😂"),
    (EN, NEG, "@Wavvlink honestly? Not the worst support chat I've had. Still no fix though."),
    (EN, NEG, "@Notorama ok who approved this update. Where did my folders go"),
    (EN, NEU, "@HarborlineHotels booked room 412 for Nov 14-16, can I request a late checkout?"),
    (EN, POS, "@PennyRiverPay no fees, instant transfers, clean app. Why didn't I switch sooner"),
    (EN, NEG, "@ParcelPikko\nOrder PK48213077US\nStatus: delivered\nReality: not delivered"),
    (EN, NEG, "@Flixora Thanks, I guess. The refund arrived but I had to ask 4 times"),
    (EN, NEU, "@SkyloomAir not a complaint, but why does the app show my flight as 'delayed - crew'?"),
    (ES, POS, "@AltiviaAir no está nada mal para ser low cost, puntuales y el personal muy majo"),
    (ES, NEG, "@MovilandaES genial, otra vez sin cobertura en pleno centro 🙄"),
    (ES, NEG, "Qué maravilla @EnviosRayoMX, paquete 'entregado' y aquí no ha llegado nada. Gracias por tanto."),
    (ES, POS, "@BancoAlborada no me lo esperaba, pero me resolvieron lo de la tarjeta en 10 minutos. Chapó."),
    (ES, NEG, "@StreamNestTV la serie buenísima, la app un desastre: se corta cada dos por tres"),
    (ES, POS, "@ComidaVolando llegó frío pero me devolvieron el dinero sin rechistar, así que todo bien"),
    (ES, NEU, "@HotelesSolymar ¿el desayuno está incluido si reservo por la web?"),
    (ES, NEG, "@LuzDelNorteSA gracias por nada, tres días sin luz y ni un aviso"),
    (ES, POS, "@MercadilloYa no me quejo, el pedido llegó antes de lo previsto 👌"),
    (ES, NEU, "@TelvoraMobile la fibra no va mal, solo quiero saber si puedo cambiar de router"),
    (ES, NEG, "Hoy toca 'experiencia premium' con @AeroPampaVuelos: 4 horas sentados en pista 👏👏"),
    (ES, POS, "@CloudkiteApp ni una queja desde la actualización, va fino fino"),
    (ES, NEG, "@BancoAlborada la app nueva es muy bonita. Lástima que no me deje entrar."),
    (ES, NEU, "@EnviosRayoMX ¿el seguimiento se actualiza el fin de semana o solo en días laborables?"),
    (ES, POS, "Nunca pensé que diría esto, pero el soporte de @MovilandaES ha sido de lujo hoy"),
    (ES, NEG, "@ShopOrbita pues nada, día 12 esperando el reembolso. Seguimos 😂"),
    (ES, POS, "@HotelesSolymar el personal un 10, las vistas un 10, la cama un 4. En general volvería."),
    (ES, NEU, "@TelvoraMobile ¿me pueden confirmar si la factura de noviembre ya incluye el descuento?"),
    (ES, POS, "@LuzDelNorteSA no sé qué han hecho pero la factura por fin es correcta. Gracias!"),
    (ES, NEG, "@AltiviaAir muy bonito todo, salvo que mi maleta se fue a Lima y yo a Madrid"),
    (ES, POS, "@StreamNestTV no está mal el catálogo nuevo, aunque echo de menos algunas pelis"),
    (ES, NEU, "@BancoAlborada ¿hay comisión por transferir a otro banco en domingo?"),
    (ES, NEG, "@MercadilloYa 'entrega en 24h' dijeron. Ya van 6 días. Bravo."),
    (ES, POS, "@CloudkiteApp tranquilos, ya lo solucioné con la guía. ¡Gracias igualmente!"),
    (ES, POS, "@ComidaVolando el repartidor se perdió pero me llamó súper amable y llegó todo calentito ❤️"),
    (ES, NEG, "@EnviosRayoMX lo dejaron en la portería sin avisar... al menos esta vez era mi portería 🙄"),
    (ES, NEU, "@HotelesSolymar reservé la habitación 305 del 14 al 16 de noviembre, ¿puedo pedir salida tardía?"),
    (ES, NEU, "@MovilandaES me llegó una factura de 0 euros?? no me quejo eh, solo quiero saber si es correcta"),
    (ES, POS, "@AeroPampaVuelos la verdad, no me puedo quejar: puntuales, limpios y con café rico"),
    (ES, NEG, "@TelvoraMobile sí, claro, suban otra vez la tarifa, seguro que así mejora la cobertura 🙃"),
    (ES, NEU, "@LuzDelNorteSA ¿a qué se debe el corte programado del jueves en el barrio centro?"),
    (ES, POS, "@ShopOrbita devolví el producto y en dos días tenía el dinero. Sin preguntas. Así sí."),
    (ES, NEG, "@BancoAlborada muy amable el chico del chat, eso sí. El problema sigue igual."),
    (ES, NEG, "@ComidaVolando tienen un trabajo. UNO. Y la hamburguesa llegó sin carne."),
    (ES, NEG, "@StreamNestTV justo en el último capítulo se cae el servidor. Perfecto, gracias."),
    (ES, NEU, "@MercadilloYa ¿los pedidos a Canarias pagan aduana?"),
    (ES, NEG, "@CloudkiteApp quien haya aprobado esta actualización... ¿dónde están mis carpetas?"),
    (ES, NEG, "@AltiviaAir\nReserva: QX7P2L\nMaleta: en paradero desconocido\nAtención al cliente: también"),
    (ES, POS, "@HotelesSolymar no suelo escribir reseñas, pero la recepcionista de noche fue un encanto"),
    (ES, NEU, "@EnviosRayoMX ni rápido ni lento, llegó el día que decía la web. ¿Cómo valoro al repartidor?"),
    (ES, NEU, "@MovilandaES ¿cómo hago la portabilidad si el titular de la línea es mi padre?"),
    (ES, NEG, "@AguasDelValle no, no es 'una pequeña incidencia', llevamos dos días sin agua"),
    (ES, POS, "@AguasDelValle ni me enteré del corte, avisaron con tiempo y duró nada. Así sí"),
)
HARD_UNLABELLED: tuple[tuple[str, str, str], ...] = (
    (EN, NEG, "@AltiviaAir amazing how my bag gets a free trip to Lisbon and I get a $15 voucher"),
    (EN, POS, "@Wavvlink not gonna pretend I expected much, but the new router is actually great"),
    (EN, NEU, "@Cartwren is the 'arrives by Friday' estimate for standard or express shipping?"),
    (EN, NEG, "@StreamNestTV love paying more every year for fewer shows, really great value 🙃"),
    (EN, POS, "@Staylofts tiny room, huge heart. Staff were the best part of our trip"),
    (EN, NEG, "@Northvale_Bank sure, I'll just wait another 40 minutes on hold, not like I have a job"),
    (EN, NEU, "@BiteboxDelivery not urgent at all, but can I save two delivery addresses?"),
    (EN, POS, "@ParcelPikko didn't think I'd be thanking a courier today but here we are. Thanks Sam!"),
    (EN, NEG, "@Notorama the new logo is lovely. Now could you make the app open?"),
    (EN, NEU, "@ClearbrookWater is the water off on Elm Street today or is it just my building?"),
    (ES, NEG, "@MovilandaES qué bien, tercera factura mal seguida. Un récord 👏"),
    (ES, POS, "@ComidaVolando no es la primera vez que me salvan una cena. Gracias, de verdad"),
    (ES, NEU, "@BancoAlborada no es una queja, ¿el cajero de la plaza funciona los domingos?"),
    (ES, NEG, "@AeroPampaVuelos muy majos todos, pero el vuelo salió con 5 horas de retraso"),
    (ES, POS, "@HotelesSolymar pequeño pero precioso, y el desayuno de lujo"),
)


# --- composition --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    lang: str
    label: str
    text: str
    author_id: str


def _fill(template: str, slots: Slots) -> str:
    return template.format_map(slots)


def _cap_first(text: str) -> str:
    for index, char in enumerate(text):
        if char.isalpha():
            return text[:index] + char.upper() + text[index + 1 :]
        if char not in "¿¡'\"":
            return text
    return text


def _decap_first(text: str, template: str) -> str:
    """Lowercase the first letter after a greeting ("Hi, where is..."), keeping names, "I" and acronyms."""
    starting_slot = re.match(r"[¿¡]?\{(\w+)\}", template)
    if starting_slot and starting_slot.group(1) in PROPER_SLOTS:
        return text
    match = re.match(r"([¿¡]?)(\S+)", text)
    if not match:
        return text
    word = match.group(2).rstrip(".,!?:")
    if word in ("I", "I'm", "I've", "I'd", "I'll") or not word[:1].isalpha():
        return text
    if len(word) > 1 and not word[1].islower():  # an acronym or a shouted word
        return text
    start = len(match.group(1))
    return text[:start] + word[0].lower() + text[start + 1 :]


def _repeats(sentence: str, other: str, brand: Brand) -> bool:
    """True when `sentence` would repeat `other`: the same text, both about a DM, or both naming the brand."""
    if sentence == other:
        return True
    if "DM" in sentence and "DM" in other:
        return True
    return brand.name in sentence and brand.name in other


def _is_protected(token: str) -> bool:
    return token.startswith(("@", "#", "http"))


def _map_words(text: str, change: Callable[[str], str]) -> str:
    """Apply `change` to every whitespace-separated token that is not a mention, hashtag or link."""
    return re.sub(r"\S+", lambda m: m.group() if _is_protected(m.group()) else change(m.group()), text)


def _word_pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w@#/.'-]){re.escape(word)}(?![\w'-])", re.IGNORECASE)


def _match_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


class Composer:
    """Writes messages: one random generator, one set of texts already used (no duplicates, ever)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.used_keys: set[str] = set()

    def claim(self, text: str) -> bool:
        """Reserve `text`; False when it was used, or the same words were (ignoring mentions, links, numbers,
        case and punctuation, as Pulso's normaliser does), so no two messages look alike to the model."""
        key = re.sub(r"https?://\S+|@\w+", "", text).lower()
        key = re.sub(r"[\W_]+", "", re.sub(r"\d+", "0", key))
        if text in self.used or key in self.used_keys:
            return False
        self.used.add(text)
        self.used_keys.add(key)
        return True

    def brand_for(self, lang: str, favourite: Brand | None) -> Brand:
        rng = self.rng
        if favourite is not None and rng.random() < 0.6:
            return favourite
        sectors = list(SECTOR_WEIGHTS)
        sector = rng.choices(sectors, weights=[SECTOR_WEIGHTS[s] for s in sectors])[0]
        return rng.choice([b for b in BRANDS if b.sector == sector and lang in b.langs])

    def compose(self, lang: str, label: str, brand: Brand) -> str:
        """One message; retried until it is new and short enough."""
        for _ in range(200):
            text = self._attempt(lang, label, brand)
            if len(text) <= MAX_CHARS and self.claim(text):
                return text
        raise RuntimeError(f"cannot write a new {lang} {label} message for {brand.name}")

    def _attempt(self, lang: str, label: str, brand: Brand) -> str:
        rng = self.rng
        slots = Slots(rng, lang, brand)
        style = STYLES[label]
        generic = rng.random() < 0.14
        template = rng.choice(GENERIC[lang][label] if generic else SECTOR_TEXTS[brand.sector][lang][label])
        core = _cap_first(_fill(template, slots))
        if rng.random() < style.shout_sentence:
            core = _map_words(core, str.upper)

        placement = rng.choices(("start", "end", "greet", "double", "none"), weights=(55, 17, 13, 7, 8))[0]
        handle = brand.handles[0] if len(brand.handles) == 1 or rng.random() < 0.75 else brand.handles[1]
        before: list[str] = []
        after: list[str] = []
        if placement != "greet" and rng.random() < 0.22:
            opener = _fill(rng.choice(OPENERS[lang][label]), slots)
            before.append(opener)
            if opener.endswith((",", ":")):
                core = _decap_first(core, template)
        if placement == "greet":
            core = _decap_first(core, template)
        if rng.random() < 0.42:
            extra = _cap_first(_fill(rng.choice(EXTRAS[lang][label]), slots))
            if not _repeats(extra, core, brand):
                if not before and rng.random() < 0.15:
                    before.append(extra)
                else:
                    after.append(extra)
        if rng.random() < 0.3:
            closing = _fill(rng.choice(CLOSINGS[lang][label]), slots)
            if not any(_repeats(closing, sentence, brand) for sentence in [core, *after]):
                after.append(closing)

        sentences = self._punctuate([*before, core, *after], len(before), label, style)
        body = self._join(sentences)
        body = self._noise(body, lang, label, style)

        if placement == "start":
            text = f"{handle} {body}"
        elif placement == "end":
            text = f"{body} {handle}"
        elif placement == "greet":
            text = f"{rng.choice(GREETINGS[lang]).format(h=handle)} {body}"
        elif placement == "double" and len(brand.handles) > 1:
            other = brand.handles[1] if handle == brand.handles[0] else brand.handles[0]
            text = f"{other} {handle} {body}"
        elif placement == "double":
            text = f"{handle} {body}"
        else:
            text = body
        return self._decorate(text, lang, label, brand, style)

    def _punctuate(self, sentences: list[str], core_at: int, label: str, style: Style) -> list[str]:
        rng = self.rng
        out = list(sentences)
        core = out[core_at]
        if rng.random() < style.intensify:
            if core.endswith("?"):
                out[core_at] = core.rstrip("?") + rng.choice(("??", "???", "?!", "?!?") if label == NEG else ("??",))
            elif core.endswith((".", "!")) and label != NEU:
                out[core_at] = core.rstrip(".!") + rng.choice(("!!", "!!!", "!!!!") if label == NEG else ("!", "!!"))
        if out[-1].endswith(".") and not out[-1].endswith("..") and rng.random() < 0.3:
            out[-1] = out[-1][:-1]
        return out

    def _join(self, sentences: list[str]) -> str:
        rng = self.rng
        text = sentences[0]
        for sentence in sentences[1:]:
            roll = rng.random()
            full_stop = text.endswith((".", "!", "?")) and len(text) > 20
            separator = "\n" if full_stop and roll < 0.04 else "\n\n" if full_stop and roll < 0.055 else " "
            if text[-1:].isalnum():
                text += "."
            text += separator + sentence
        return text

    def _noise(self, text: str, lang: str, label: str, style: Style) -> str:
        rng = self.rng
        if rng.random() < style.elongate:
            text = self._elongate(text, lang)
        if rng.random() < style.shout_word:
            words = [w for w in SHOUT_WORDS[label][lang] if _word_pattern(w).search(text)]
            if words:
                pattern = _word_pattern(rng.choice(words))
                text = pattern.sub(lambda m: m.group().upper(), text, count=1)
        if rng.random() < 0.2:
            text = self._typo(text, lang)
        if rng.random() < 0.07:
            text = self._swap_letters(text)
        if lang == ES and rng.random() < 0.15:
            text = _map_words(text, lambda w: w.translate(str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU")))
        if lang == ES and rng.random() < 0.2:
            text = text.replace("¿", "").replace("¡", "")
        if rng.random() < 0.13:
            text = _map_words(text, str.lower)
        return text

    def _elongate(self, text: str, lang: str) -> str:
        rng = self.rng
        candidates = [w for w in ELONGATE[lang] if _word_pattern(w).search(text)]
        if not candidates:
            return text
        word = rng.choice(candidates)
        index = ELONGATE[lang][word]
        times = rng.randint(3, 6)

        def stretch(match: re.Match[str]) -> str:
            found = match.group()
            return found[:index] + found[index] * times + found[index + 1 :]

        return _word_pattern(word).sub(stretch, text, count=1)

    def _typo(self, text: str, lang: str) -> str:
        rng = self.rng
        candidates = [w for w in TYPOS[lang] if _word_pattern(w).search(text)]
        if not candidates:
            return text
        word = rng.choice(candidates)
        return _word_pattern(word).sub(lambda m: _match_case(m.group(), TYPOS[lang][word]), text, count=1)

    def _swap_letters(self, text: str) -> str:
        rng = self.rng
        tokens = text.split(" ")
        choices = [i for i, t in enumerate(tokens) if t.isalpha() and len(t) >= 5 and not _is_protected(t)]
        if not choices:
            return text
        index = rng.choice(choices)
        token = tokens[index]
        at = rng.randrange(1, len(token) - 2)
        tokens[index] = token[:at] + token[at + 1] + token[at] + token[at + 2 :]
        return " ".join(tokens)

    def _decorate(self, text: str, lang: str, label: str, brand: Brand, style: Style) -> str:
        rng = self.rng
        tails: list[str] = []
        if rng.random() < style.emoji:
            emoji = rng.choice(EMOJI[label])
            tails.append(emoji * rng.choice((1, 1, 1, 2, 3)))
        elif label == NEU and rng.random() < 0.04:
            tails.append(SECTOR_EMOJI[brand.sector])
        if EMOTICONS[label] and rng.random() < style.emoticon:
            tails.append(rng.choice(EMOTICONS[label]))
        if rng.random() < style.hashtag:
            tails.append(rng.choice(HASHTAGS[lang][label]))
        if rng.random() < 0.05:
            tails.append(rng.choice(SECTOR_TAGS[brand.sector]))
        if rng.random() < style.url:
            url = _url(rng, brand)
            lead = rng.choice(URL_LEADS[label][lang]) if rng.random() < 0.4 else ""
            tails.append(f"{lead} {url}".strip())
        rng.shuffle(tails)
        text = " ".join([text, *tails])
        return re.sub(r"[ \t]+", " ", text).strip()


# --- authors and timestamps ---------------------------------------------------------------------------------


class Authors:
    """Author ids: regulars (who write several messages, mostly to one brand) and one-off writers."""

    def __init__(self, rng: random.Random, count: int) -> None:
        self.rng = rng
        numbers = list(range(1000, 10000))
        rng.shuffle(numbers)
        self._fresh = iter(numbers[count:])
        self.regulars: list[tuple[str, str, Brand]] = []
        for number in numbers[:count]:
            lang = ES if rng.random() < 0.15 else EN
            brand = rng.choice([b for b in BRANDS if lang in b.langs])
            self.regulars.append((f"u{number}", lang, brand))
        self.weights = [rng.choice((1, 1, 2, 3, 5)) for _ in self.regulars]

    def pick(self, lang: str, regular_share: float) -> tuple[str, Brand | None]:
        if self.rng.random() < regular_share:
            pool = [(r, w) for r, w in zip(self.regulars, self.weights, strict=True) if r[1] == lang]
            author, _, brand = self.rng.choices([r for r, _ in pool], weights=[w for _, w in pool])[0]
            return author, brand
        return f"u{next(self._fresh)}", None


_HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 8, 6, 4, 2)


def timestamps(rng: random.Random, count: int, days: tuple[dt.date, dt.date]) -> list[str]:
    """`count` sorted ISO 8601 UTC timestamps over the days, busier in the daytime."""
    span = (days[1] - days[0]).days + 1
    values = []
    for _ in range(count):
        day = days[0] + dt.timedelta(days=rng.randrange(span))
        hour = rng.choices(range(24), weights=_HOUR_WEIGHTS)[0]
        moment = dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60))
        values.append(moment)
    return [f"{value:%Y-%m-%dT%H:%M:%SZ}" for value in sorted(values)]


# --- data sets ----------------------------------------------------------------------------------------------


def write_messages(
    composer: Composer,
    authors: Authors,
    mix: dict[tuple[str, str], int],
    hard: Sequence[tuple[str, str, str]],
    regular_share: float,
) -> list[Message]:
    """Messages in the given (language, label) mix: the hard ones, then composed ones; shuffled."""
    rng = composer.rng
    messages = []
    for lang, label, text in hard:
        if not composer.claim(text):
            raise ValueError(f"hard message written twice: {text!r}")
        author, _ = authors.pick(lang, regular_share)
        messages.append(Message(lang, label, text, author))
    counts = Counter((m.lang, m.label) for m in messages)
    for (lang, label), wanted in mix.items():
        for _ in range(wanted - counts[(lang, label)]):
            author, favourite = authors.pick(lang, regular_share)
            brand = composer.brand_for(lang, favourite)
            messages.append(Message(lang, label, composer.compose(lang, label, brand), author))
    rng.shuffle(messages)
    return messages


def _scattered(rng: random.Random, size: int, count: int, gap: int) -> list[int]:
    """`count` positions in range(size), at least `gap` apart and away from the ends."""
    while True:
        positions = sorted(rng.sample(range(gap // 2, size - gap // 2), count))
        if all(b - a >= gap for a, b in itertools.pairwise(positions)):
            return positions


def labelled_rows(composer: Composer, authors: Authors) -> tuple[list[list[str]], dict[str, int]]:
    """Rows of the labelled file, good and deliberately bad ones; and the count of each kind of bad row."""
    rng = composer.rng
    good = write_messages(composer, authors, LABELLED_MIX, HARD_LABELLED, regular_share=0.35)
    bad: list[tuple[str, Message]] = []
    for text in EMPTY_TEXTS:
        author, _ = authors.pick(EN, 0.35)
        bad.append(("empty", Message(EN, rng.choice(LABELS), text, author)))
    for lang in (EN, ES):
        author, favourite = authors.pick(lang, 0.35)
        text = composer.compose(lang, NEG, composer.brand_for(lang, favourite))
        bad.append(("label", Message(lang, UNKNOWN_LABEL, text, author)))
    for lang, label in ((EN, NEU), (ES, POS)):
        author, favourite = authors.pick(lang, 0.35)
        text = composer.compose(lang, label, composer.brand_for(lang, favourite))
        bad.append(("timestamp", Message(lang, label, text, author)))
    rng.shuffle(bad)

    size = len(good) + len(bad)
    bad_at = dict(zip(_scattered(rng, size, len(bad), gap=120), bad, strict=True))
    times = timestamps(rng, size, LABELLED_DAYS)
    good_iter = iter(good)
    rows: list[list[str]] = []
    good_positions: list[int] = []
    for position in range(size):
        kind, message = bad_at[position] if position in bad_at else ("", next(good_iter))
        created = BAD_TIMESTAMP if kind == "timestamp" else times[position]
        rows.append([f"s{position + 1:05d}", created, message.author_id, message.text, message.label])
        if not kind:
            good_positions.append(position)

    # Exact duplicates: copies of earlier good rows, re-delivered 40 to 300 rows later.
    sources = rng.sample([p for p in good_positions if 50 <= p < size - 320], DUPLICATES)
    for source in sorted(sources, reverse=True):
        rows.insert(source + 1 + rng.randint(40, 300), list(rows[source]))
    kinds = Counter(kind for kind, _ in bad)
    return rows, {"empty_text": kinds["empty"], "unknown_label": kinds["label"],
                  "bad_timestamp": kinds["timestamp"], "duplicates": DUPLICATES}  # fmt: skip


def unlabelled_records(composer: Composer, authors: Authors) -> list[dict[str, str]]:
    rng = composer.rng
    messages = write_messages(composer, authors, UNLABELLED_MIX, HARD_UNLABELLED, regular_share=0.3)
    times = timestamps(rng, len(messages), UNLABELLED_DAYS)
    return [
        {"id": f"p{index + 1:05d}", "created_at": times[index], "author_id": m.author_id, "text": m.text}
        for index, m in enumerate(messages)
    ]


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)  # RFC 4180: CRLF line ends, quotes only where needed
        writer.writerow(LABELLED_FIELDS)
        writer.writerows(rows)


def write_jsonl(path: Path, records: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as stream:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> None:
    rng = random.Random(SEED)
    composer = Composer(rng)
    authors = Authors(rng, REGULAR_AUTHORS)
    rows, bad = labelled_rows(composer, authors)
    records = unlabelled_records(composer, authors)
    write_csv(LABELLED_FILE, rows)
    write_jsonl(UNLABELLED_FILE, records)

    good = [row for row in rows if row[3].strip() and row[4] in LABELS and row[1] != BAD_TIMESTAMP]
    good_unique = {row[0]: row for row in good}
    labels = Counter(row[4] for row in good_unique.values())
    print(f"{LABELLED_FILE.name}: {len(rows)} rows, {len(good_unique)} good ({dict(sorted(labels.items()))})")
    print(f"  bad rows: {bad}")
    print(f"{UNLABELLED_FILE.name}: {len(records)} records")


if __name__ == "__main__":
    main()
