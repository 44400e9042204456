"""The Hydra config tree (one folder per group). A package only so that the wheel ships it, beside
`ensemble`; its location (`conf.__file__`) is the tree's: `ensemble.cli.CONF_DIR`, dsl.bench."""
