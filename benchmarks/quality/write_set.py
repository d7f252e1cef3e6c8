"""Writes otherstories.jsonl: hand-labelled articles from other return stories (held apart from the dev set)."""
import json
from pathlib import Path


def c(count, qualifier, evidence, date=None, locations=(), who="", kind="event", date_end=None, optional=False):
    return {"count": count, "qualifier": qualifier, "who": who, "date": date, "date_end": date_end,
            "kind": kind, "locations": list(locations), "evidence": evidence, "optional": optional}

DOCS = [
 dict(id="afghan-pakistan-1", published="2024-11-06", title="Pakistan deports thousands more Afghans as deadline passes",
  text="""Pakistan deports thousands more Afghans as deadline passes

ISLAMABAD (Wire) — Pakistani authorities deported 1,632 Afghan nationals through the Torkham border crossing on Tuesday, officials said, as a crackdown on undocumented migrants entered its second year.

The deportations bring the number of Afghans expelled from Pakistan since November 2023 to more than 541,000, according to figures from the International Organization for Migration (IOM).

"We are processing families as quickly as we can," a border official said, speaking on condition of anonymity. Around 200 trucks were waiting on the Pakistani side of the crossing.

Aid groups say many of those returned have never lived in Afghanistan. The Taliban administration said it had set up camps in Nangarhar province to receive them.

The UN refugee agency has warned that women and girls sent back face severe restrictions under Taliban rule.""",
  claims=[c(1632, "exact", "Pakistani authorities deported 1,632 Afghan nationals through the Torkham border crossing on Tuesday", "2024-11-05", ["Torkham", "Pakistan"], "Afghan nationals"),
          c(541000, "more_than", "The deportations bring the number of Afghans expelled from Pakistan since November 2023 to more than 541,000", "2023-11", ["Pakistan"], "Afghans", kind="cumulative")]),
 dict(id="uyghur-thailand-1", published="2025-02-28", title="Thailand deports 40 Uyghurs to China despite UN warnings",
  text="""Thailand deports 40 Uyghurs to China despite UN warnings

BANGKOK — Thailand deported 40 Uyghur men to China on Thursday, ending more than a decade in immigration detention and drawing condemnation from the United Nations and rights groups.

The men were part of a group of more than 300 Uyghurs detained in 2014 after fleeing China. In 2015, Thailand forcibly returned 109 of them to China, sparking protests in Turkey.

Thai officials said the 40 men were flown to Xinjiang aboard a chartered flight and that China had given assurances about their safety.

Human Rights Watch said the deportation violated Thailand's obligations under international law. "These men face a real risk of torture," the group said.""",
  claims=[c(40, "exact", "Thailand deported 40 Uyghur men to China on Thursday", "2025-02-27", ["Thailand", "China"], "Uyghur men"),
          c(109, "exact", "In 2015, Thailand forcibly returned 109 of them to China", "2015", ["Thailand", "China"], "Uyghurs")]),
 dict(id="rohingya-1", published="2023-03-15", title="Bangladesh coast guard pushes back boat carrying Rohingya",
  text="""Bangladesh coast guard pushes back boat carrying Rohingya

COX'S BAZAR, Bangladesh — Bangladesh's coast guard pushed back a boat carrying about 180 Rohingya refugees last week, local officials and refugee leaders said.

The boat had left Myanmar's Rakhine state in early March. Relatives said at least 12 passengers had died of hunger before it reached Bangladeshi waters.

Separately, Indonesian authorities said on Monday that nearly 90 Rohingya who landed in Aceh province would not be returned.

More than 730,000 Rohingya fled to Bangladesh in 2017 after a military crackdown.""",
  claims=[c(180, "about", "Bangladesh's coast guard pushed back a boat carrying about 180 Rohingya refugees last week", "2023-03", ["Bangladesh"], "Rohingya refugees")]),
 dict(id="us-flights-1", published="2025-04-10", title="ICE removal flights: 3,200 deported to Guatemala in March",
  text="""ICE removal flights: 3,200 deported to Guatemala in March

GUATEMALA CITY — The United States deported roughly 3,200 Guatemalans in March on 29 flights, the Guatemalan Migration Institute said on Wednesday, the highest monthly total in two years.

Among them were 214 unaccompanied minors, the institute said.

So far this year, 11,480 Guatemalans have been returned from the United States, compared with 9,900 in the same period last year.

A flight carrying 135 deportees landed at La Aurora airport on Tuesday morning.

Officials said up to 10,000 people a month could be received if flights increase, but the government has asked Washington for more notice.""",
  claims=[c(3200, "about", "The United States deported roughly 3,200 Guatemalans in March on 29 flights", "2025-03", ["United States", "Guatemala"], "Guatemalans"),
          c(214, "exact", "Among them were 214 unaccompanied minors", "2025-03", [], "unaccompanied minors", optional=True),
          c(11480, "exact", "So far this year, 11,480 Guatemalans have been returned from the United States", "2025", ["United States"], "Guatemalans", kind="cumulative"),
          c(9900, "exact", "compared with 9,900 in the same period last year", "2024", [], "", optional=True),
          c(135, "exact", "A flight carrying 135 deportees landed at La Aurora airport on Tuesday morning", "2025-04-08", ["La Aurora"], "deportees")]),
 dict(id="nk-nkdb-1", published="2024-02-20", title="Report: China repatriated 60 North Koreans from Dandong",
  text="""Report: China repatriated 60 North Koreans from Dandong

SEOUL — China sent back some 60 North Korean defectors held in detention facilities in Dandong and Tumen earlier this month, a Seoul-based monitoring group said on Tuesday.

The group said the defectors were handed over to North Korea's State Security Ministry at the Sinuiju crossing on February 9.

Last October, Chinese authorities repatriated as many as 600 North Koreans in a single night, according to South Korean lawmakers.

Activists fear that those returned will be sent to prison camps. An estimated 2,000 North Koreans are believed to remain in Chinese detention.""",
  claims=[c(60, "about", "China sent back some 60 North Korean defectors held in detention facilities in Dandong and Tumen earlier this month", "2024-02", ["Dandong", "Tumen"], "North Korean defectors"),
          c(600, "up_to", "Last October, Chinese authorities repatriated as many as 600 North Koreans in a single night", "2023-10", [], "North Koreans")]),
 dict(id="eu-returns-1", published="2024-06-12", title="EU return rate stays low as member states push for new rules",
  text="""EU return rate stays low as member states push for new rules

BRUSSELS — Fewer than 20 percent of people ordered to leave the European Union were actually returned to their home countries last year, according to Eurostat.

In 2023, EU countries issued 430,000 return orders, but only 84,000 people were effectively returned to a country outside the bloc.

Germany carried out 16,430 deportations in 2023, a 27 percent increase on the year before, the interior ministry said.

The European Commission plans to present a new return regulation in the autumn.""",
  claims=[c(84000, "exact", "only 84,000 people were effectively returned to a country outside the bloc", "2023", [], "people"),
          c(16430, "exact", "Germany carried out 16,430 deportations in 2023", "2023", ["Germany"], "", kind="cumulative")]),
 dict(id="iran-afghans-1", published="2024-09-02", title="Iran expels Afghans in record numbers",
  text="""Iran expels Afghans in record numbers

KABUL — Iran has expelled over 400,000 Afghans since the start of the year, the Taliban's refugee ministry said, warning that its reception centres at the Islam Qala crossing were overwhelmed.

On Saturday alone, more than 5,000 people were deported through Islam Qala in Herat province, the ministry said.

Iranian officials say they plan to deport two million undocumented Afghans by March.""",
  claims=[c(400000, "more_than", "Iran has expelled over 400,000 Afghans since the start of the year", "2024", ["Iran"], "Afghans", kind="cumulative"),
          c(5000, "more_than", "On Saturday alone, more than 5,000 people were deported through Islam Qala in Herat province", "2024-08-31", ["Islam Qala", "Herat"], "people")]),
 dict(id="negative-sport", published="2025-01-12", title="Striker returns from injury as United win 2-0",
  text="""Striker returns from injury as United win 2-0

The club's top scorer returned to the starting line-up after 11 weeks out and scored twice as United beat City 2-0 in front of 41,000 fans.

Three players were sent off in the second half. The manager said 15 members of the squad would travel to the training camp in Spain next week.

The team returned home on Sunday with 30 points from 20 games.""",
  claims=[]),
 dict(id="negative-tax", published="2025-03-01", title="How to get your tax refund faster",
  text="""How to get your tax refund faster

More than 90 million taxpayers filed their return electronically last year, and most received their refund within 21 days.

The agency returned 4.5 million paper returns to sender because of missing signatures. Filing early and choosing direct deposit are the two simplest steps.""",
  claims=[]),
 dict(id="negative-detention", published="2024-05-20", title="Hundreds of migrants detained in raids",
  text="""Hundreds of migrants detained in raids

Police detained 320 migrants in raids on garment factories on Friday, and officials said they could face deportation in the coming weeks.

Authorities plan to deport up to 10,000 undocumented workers a month under a new programme, the labour minister said.

At least 17 people died when their boat capsized off the coast last month. Some 250 others were rescued.""",
  claims=[]),
 dict(id="rohingya-india-1", published="2024-03-27", title="India deports Rohingya family to Myanmar",
  text="""India deports Rohingya family to Myanmar

GUWAHATI — Indian authorities handed over seven Rohingya, including three children, to Myanmar officials at the Moreh border crossing in Manipur on Monday, police said.

Rights groups say India has deported at least 50 Rohingya since 2017, despite a UN warning that they face persecution at home.

About 40,000 Rohingya are estimated to live in India.""",
  claims=[c(7, "exact", "Indian authorities handed over seven Rohingya, including three children, to Myanmar officials at the Moreh border crossing in Manipur on Monday", "2024-03-25", ["Myanmar", "Moreh", "Manipur"], "Rohingya"),
          c(50, "at_least", "India has deported at least 50 Rohingya since 2017", "2017", ["India"], "Rohingya", kind="cumulative")]),
 dict(id="nk-russia-1", published="2025-08-14", title="Russia returns North Korean workers",
  text="""Russia returns North Korean workers

Russia sent home 23 North Korean workers who had overstayed their visas in Vladivostok, a regional court said on Wednesday.

The court ordered the men deported in July. Their flight to Pyongyang left on August 12, officials said.

North Korea has sent an estimated 15,000 workers to Russia since 2023, according to South Korean intelligence.""",
  claims=[c(23, "exact", "Russia sent home 23 North Korean workers who had overstayed their visas in Vladivostok", "2025-08-12", ["Russia", "Vladivostok", "Pyongyang"], "North Korean workers")]),
 dict(id="mexico-us-1", published="2025-01-30", title="Mexico receives over 4,000 deportees in first week",
  text="""Mexico Receives Over 4,000 Deportees In First Week

MEXICO CITY — Mexico received 4,094 of its citizens deported from the United States in the first week of the new US administration, President Claudia Sheinbaum said on Monday.

Most were returned through border crossings in Tijuana, Ciudad Juárez and Nuevo Laredo, she said. Mexico has set up nine reception centres along the northern border.

She said between 200 and 300 deportees per day were arriving at the Tijuana crossing alone.""",
  claims=[c(4094, "exact", "Mexico received 4,094 of its citizens deported from the United States in the first week of the new US administration", "2025-01", ["Mexico", "United States", "Tijuana", "Ciudad Juárez", "Nuevo Laredo"], "citizens"),
          c(200, "exact", "between 200 and 300 deportees per day were arriving at the Tijuana crossing alone", None, ["Tijuana"], "deportees", optional=True)]),
]
# the title of mexico-us-1 is also a claim (4,000, more_than) — same event as 4,094? A distinct figure: label it optional.
DOCS[12]["claims"].append(c(4000, "more_than", "Mexico Receives Over 4,000 Deportees In First Week", "2025-01", ["Mexico"], "deportees", optional=True))

for d in DOCS:
    for cl in d["claims"]:
        assert cl["evidence"] in d["text"], (d["id"], cl["evidence"])
out = Path(__file__).with_name("otherstories.jsonl")
out.write_text("".join(json.dumps({**d, "url": None}, ensure_ascii=False) + "\n" for d in DOCS), encoding="utf-8")
print(f"wrote {len(DOCS)} documents, {sum(len(d['claims']) for d in DOCS)} claims to {out.name}")
