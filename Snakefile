# gatedrnn: the results of Krishnamurthy, Can & Schwab, PRX 12, 011011 (2022).
#
#   snakemake                                  default scale (config/config.yaml, profiles/default)
#   snakemake --report results/report.html     HTML report of figures and claims
#   snakemake --profile profiles/slurm --configfile config/paper.yaml    paper scale on SLURM

from snakemake.utils import min_version

min_version("8.20")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/dmft.smk"
include: "workflow/rules/spectra.smk"
include: "workflow/rules/memory.smk"
include: "workflow/rules/lyapunov.smk"
include: "workflow/rules/gradients.smk"
include: "workflow/rules/transition.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/claims.smk"


rule all:
    default_target: True
    input:
        final_outputs(),
