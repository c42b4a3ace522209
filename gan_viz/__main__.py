"""``python -m gan_viz`` runs the command line."""

from gan_viz.cli import main

main()
