"""Territorial claims: one row per region x claim, with claimant, counterpart and speaker.

Modules: `cues` (data/claim_cues.yml), `prefilter` (literal pre-filters of the cue, force and
document patterns), `model` (records), `inputs` (a chunk's sentences, mentions and articles
read once as column lists), `govern` (steps 1-2), `roles` and `sides` (step 3), `claims` (per
sentence, the table), `rollup` (the per-region summary).

Only a sentence that mentions a region and holds a cue (or a region reference that claims by
itself) goes through the steps: one scan of the lexicon's literals per region sentence decides,
and only the cue, force and document alternatives whose literals occur run.

A sentence that mentions a region (newslens.text.regions) becomes claims in three steps:

1. cues: the rules of data/claim_cues.yml (newslens.analysis.claim_cues) find their cues, and
   the sentence is cut into clauses;
2. regions: region mentions form coordinated lists ("Donetsk, Luhansk and Kherson" take one
   claim together); a region that only locates another ("Novopavlivka in Dnipropetrovsk
   Oblast") or sets the scene ("In the DPR, the South grouping holds X") takes none; each list
   takes the nearest cue of its clause (plus a framing cue before it: "recognise Russian control
   of X" is a recognition demand and a control claim);
3. claimant and counterpart (newslens.analysis.claim_roles): from the cue's grammatical roles,
   the statement's speaker (newslens.analysis.attribution) and the military subjects of the
   sentence ("the West grouping", "the enemy" relative to the speaker).

A capture or a reported withdrawal ("Ukrainian troops withdrew from X") is a control change:
`control_change` is True and the claimant is the side that gained the region.

Hierarchy: a region listed as part of a macro region or generic reference ("the Donbas region,
which includes the Luhansk and Donetsk areas"; "annexed territories including Crimea") takes its
claims (via="includes", part_of="donbas"); a claim on a macro region or on a generic reference
with members (the four annexed regions) also yields rows for members not named in the sentence
(via="hierarchy", span = the macro mention).
"""

from newslens.analysis.territory.claims import (
    CHANGE_COLUMNS,
    CLAIM_COLUMNS,
    control_changes,
    territorial_claims,
)
from newslens.analysis.territory.cues import CLAIM_TYPES, load_claim_cues
from newslens.analysis.territory.rollup import ROLLUP_COLUMNS, ROLLUP_READS, region_rollup

__all__ = ["CHANGE_COLUMNS", "CLAIM_COLUMNS", "CLAIM_TYPES", "ROLLUP_COLUMNS", "ROLLUP_READS",
           "control_changes", "load_claim_cues", "region_rollup", "territorial_claims"]
