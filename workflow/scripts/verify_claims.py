"""Stop the pipeline if a claim failed (rule verify_claims)."""

import sys

from gatedrnn.claims import failed_claims_message, read_claims

message = failed_claims_message(read_claims(snakemake.input[0]))
with open(snakemake.log[0], "w") as log:
    log.write(message or "all claims passed\n")
if message:
    sys.exit(message)
