"""The jobcentre survey's published figures, which the demo generator reproduces.

The survey's shape (questions, scales, bands, groups) is its definition,
``workbench/coding/definitions/jobcenter.yaml``; this module keeps what only the demo needs:
the target groups' published sizes and the published answer distributions.
"""
from __future__ import annotations

AGREE = ["I lav grad", "I mindre grad", "Hverken eller", "I nogen grad", "I høj grad"]

QUESTIONS = [
    dict(key="q1", topic="Her og nu-tilfredshed med samtalen",
         text="Hvor tilfreds er du med den samtale, du lige har haft med din sagsbehandler?",
         scale=["Meget utilfreds", "Utilfreds", "Hverken eller", "Tilfreds", "Meget tilfreds"],
         neg="Hvorfor er du utilfreds med samtalen?", pos="Hvad var med til at gøre det til en god samtale?"),
    dict(key="q2", topic="Fremdrift i forløb",
         text="Synes du, at der er fremdrift i dit forløb her i jobcenteret?", scale=AGREE,
         neg="Hvorfor synes du, at der ikke er fremdrift?", pos="Hvad er med til at give dig den oplevelse?"),
    dict(key="q3", topic="Samarbejde og inddragelse",
         text="Synes du, at din sagsbehandler inddrager dig?", scale=AGREE,
         neg="Hvordan kan din sagsbehandler inddrage dig i højere grad?",
         pos="Hvad er det, der gør, at du føler dig inddraget?"),
    dict(key="q4", topic="Borgerens eget bidrag",
         text="Har du selv bidraget til, at der er fremdrift i dit forløb her i jobcenteret?", scale=AGREE,
         neg="Hvad skulle være anderledes, for at du kunne bidrage mere?", pos="Kan du komme med et eksempel?"),
    dict(key="q5", topic="Tryghed og tillid",
         text="Synes du, at du kan spørge din sagsbehandler, hvis der er noget, som du er i tvivl om eller ikke forstår?",
         scale=AGREE, neg="Hvorfor ikke?", pos="Hvad er det, der gør, at du føler du kan spørge din sagsbehandler?"),
    dict(key="q6", topic="Klare aftaler",
         text="Ved du, hvad der skal ske indtil du skal til din næste samtale?", scale=AGREE,
         neg="Hvorfor ikke?", pos="Hvad er grunden til, at du ved det?"),
    dict(key="q7", topic="Anerkendelse og forståelse",
         text="Hvordan føler du dig behandlet her i jobcenteret?",
         scale=["Meget dårligt", "Dårligt", "Hverken eller", "Godt", "Meget godt"],
         neg="Hvorfor føler du dig dårligt behandlet?", pos="Hvad er med til, at du føler dig godt behandlet?"),
]
QUESTION_KEYS = [q["key"] for q in QUESTIONS]
DONT_KNOW_LABEL = "Ved ikke/kan ikke svare"

# id, label, main group, jobcentre unit, respondents in 2020
SUBGROUPS = [
    ("aktiv_o30", "Aktivitetsparate over 30 år", "udsatte", "JKI", 49),
    ("ressource_o30", "Ressourceforløb over 30 år", "udsatte", "CAB", 35),
    ("sygedagpenge", "Sygedagpenge/jobafklaring", "udsatte", "JKA", 40),
    ("ledighedsydelse", "Ledighedsydelse (fleksjobvisiteret)", "udsatte", "JKA", 30),
    ("aktiv_u30", "Aktivitetsparate under 30 år", "udsatte", "JKU", 32),
    ("uddannelsesparat_u30", "Uddannelsesparate under 30 år", "jobparate", "JKU", 31),
    ("jobparat_u30", "Jobparate under 30 år (dagpenge og kontanthjælp)", "jobparate", "JKU", 38),
    ("dagpenge_akademiker", "Dagpengemodtagere, akademikere", "jobparate", "JKK", 50),
    ("dagpenge_o30", "Dagpengemodtagere over 30 år", "jobparate", "AMC", 47),
    ("jobparat_kontant_o30", "Jobparate kontanthjælpsmodtagere over 30 år", "jobparate", "AMC", 34),
    ("integration", "Borgere i integrationsprogrammet", "jobparate", "CBSI", 19),
]
SUBGROUP_MAIN = {s[0]: s[2] for s in SUBGROUPS}
MAIN_GROUPS = {"udsatte": "Udsatte borgere", "jobparate": "Job- og uddannelsesparate borgere"}
GENDERS = ("kvinde", "mand")
ETHNICITIES = ("dansk", "anden")

# Published answer distributions, % of each main group; order: score 1, 2, 3, 4, 5, 9.
PUBLISHED = {
    "udsatte": {"q1": [9, 2, 9, 29, 51, 1], "q2": [8, 12, 17, 29, 19, 15], "q3": [7, 3, 7, 25, 54, 4],
                "q4": [8, 6, 11, 25, 39, 12], "q5": [3, 3, 7, 25, 60, 4], "q6": [8, 6, 10, 24, 48, 5],
                "q7": [9, 10, 23, 24, 33, 1]},
    "jobparate": {"q1": [1, 2, 4, 33, 60, 0], "q2": [9, 9, 27, 28, 16, 12], "q3": [1, 2, 10, 31, 54, 2],
                  "q4": [1, 2, 11, 24, 55, 7], "q5": [2, 2, 5, 14, 75, 2], "q6": [4, 3, 6, 26, 59, 1],
                  "q7": [2, 4, 15, 34, 46, 0]},
}
PUBLISHED_MIX = {"udsatte": dict(n=186, kvinde=95, mand=91, anden=51),
                 "jobparate": dict(n=219, kvinde=114, mand=105, anden=71)}
