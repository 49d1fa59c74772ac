"""Plausible names for carers and clients, so day lists and reports read like real ones.

Clients are mostly in their eighties, with the first names of that generation and the
surnames of Medelpad; carers are younger and more varied, as home-care staff are.
"""

from __future__ import annotations

import numpy as np

CLIENT_FIRST = (
    "Astrid",
    "Karin",
    "Margareta",
    "Birgitta",
    "Ingrid",
    "Elsa",
    "Gunnel",
    "Britt",
    "Maj",
    "Inga",
    "Ulla",
    "Signe",
    "Greta",
    "Barbro",
    "Gun",
    "Sonja",
    "Kerstin",
    "Märta",
    "Aina",
    "Majken",
    "Karl",
    "Erik",
    "Lars",
    "Gunnar",
    "Sven",
    "Bengt",
    "Åke",
    "Nils",
    "Rolf",
    "Bertil",
    "Olle",
    "Stig",
    "Lennart",
    "Gösta",
    "Ove",
    "Kjell",
    "Arne",
    "Sture",
    "Ivar",
    "Tage",
)
STAFF_FIRST = (
    "Emma",
    "Sara",
    "Maria",
    "Anna",
    "Linda",
    "Johanna",
    "Fatima",
    "Amina",
    "Elin",
    "Ida",
    "Hanna",
    "Jonas",
    "Ahmed",
    "Mohammed",
    "Sofia",
    "Lisa",
    "Malin",
    "Jenny",
    "Petra",
    "Kristina",
    "Ali",
    "Hodan",
    "Leila",
    "Marcus",
    "Oskar",
    "Jessica",
    "Camilla",
    "Therese",
    "Yasmin",
    "Nour",
    "Tiina",
    "Mikael",
    "Daniel",
    "Aisha",
    "Sabina",
    "Frida",
    "Josefin",
    "Rahel",
    "Senait",
    "Robin",
)
SURNAMES = (
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Hansson",
    "Sjöberg",
    "Lindqvist",
    "Lundgren",
    "Berglund",
    "Holm",
    "Norberg",
    "Sundström",
    "Westin",
    "Hedlund",
    "Öberg",
    "Byström",
    "Edlund",
    "Forsberg",
    "Nordin",
    "Sjödin",
    "Hägglund",
    "Wikström",
    "Hassan",
    "Ali",
    "Mohamed",
    "Yusuf",
    "Haile",
    "Korhonen",
    "Virtanen",
    "Nowak",
    "Rahimi",
    "Lindberg",
)


def draw_names(
    rng: np.random.Generator, count: int, first_names: tuple[str, ...], taken: set[str]
) -> list[str]:
    """`count` names not in `taken` (which is extended); a number is added if all are used."""
    names = []
    for _ in range(count):
        for attempt in range(50):
            name = (
                f"{first_names[int(rng.integers(len(first_names)))]} "
                f"{SURNAMES[int(rng.integers(len(SURNAMES)))]}"
            )
            if attempt == 49:
                name = f"{name} {len(taken) + 1}"
            if name not in taken:
                break
        taken.add(name)
        names.append(name)
    return names
