"""Issue tagging that reads the clause, one direction per issue (data/issues.yml)."""

from __future__ import annotations

import pytest
from newslens.analysis.stance import load_issues
from test_stance_narration import read


@pytest.mark.parametrize("text, speaker, issue, stance", [
    # sanctions: toward sanctions on Russia; relief or lifting is against them
    ("Putin demanded sanctions relief.", "putin", "sanctions", "opposes"),
    ("Putin said the truce would start only after sanctions on grain traders were eased.", "putin",
     "sanctions", "opposes"),
    ("Zelensky rejected any easing of sanctions.", "zelensky", "sanctions", "supports"),
    ("Zelensky urged Europe to tighten sanctions.", "zelensky", "sanctions", "demands"),
    # nato: toward Ukraine's membership; neutrality or abandoning the bid is against it
    ("Putin said Ukraine must abandon its bid to join NATO.", "putin", "nato", "opposes"),
    ("Zelensky proposed that Ukraine will not join the alliance.", "zelensky", "nato",
     "opposes"),
    ("Putin demanded neutrality for Ukraine.", "putin", "nato", "opposes"),
    # security guarantees asked in exchange for neutrality are demanded
    ("Zelensky proposed neutral status in return for security guarantees.", "zelensky",
     "security_guarantees", "demands"),
    ("Zelensky welcomed the security guarantees.", "zelensky", "security_guarantees",
     "supports"),
    # territory: toward concessions; the issue of a demand is what is demanded
    ("Putin said Ukraine must hand back the district.", "putin", "territory", "demands"),
    ("Putin said Russia recognizes the borders the separatists claim.", "putin", "territory",
     "demands"),
    ("Zelensky said Kyiv will never recognize the annexation.", "zelensky", "territory",
     "opposes"),
    ("Zelensky said the war could end once Russia quit bombing Ukraine and withdrew.",
     "zelensky", "territory", "demands"),
    # ceasefire and talks: toward holding them
    ("Putin said Russia agreed to a pause of strikes on energy sites.", "putin", "ceasefire",
     "supports"),
    ("Zelensky called for talks.", "zelensky", "talks", "demands"),
])
def test_issue_direction(text, speaker, issue, stance):
    rows = read(text)
    got = rows[(rows["speaker"] == speaker) & (rows["issue"] == issue)]
    assert got["stance"].tolist() == [stance], rows[["speaker", "issue", "stance", "rule"]]


def test_every_issue_states_its_direction():
    issues = load_issues()
    assert issues["direction"].str.startswith("toward").all()
    assert set(issues.loc[issues["reversed_by"].map(len) > 0, "id"]) == {"sanctions", "nato"}
