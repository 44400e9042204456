"""The Hydra config tree (one folder per group). A package only so that the wheel ships it, beside
`ensemble`; the CLI reads it by path (`ensemble.cli.CONF_DIR`), not by import."""
