"""Draw one figure from its dataset(s) (rules figure_*)."""

from gatedrnn.figures import FIGURES, save_figure
from gatedrnn.io import read_dataset
from gatedrnn.progress import log_to_file

log_to_file(snakemake.log[0])
datasets = [read_dataset(path) for path in snakemake.input.datasets]
figure = FIGURES[snakemake.params.figure](*datasets, **snakemake.params.get("options", {}))
save_figure(figure, snakemake.output)
