"""The Hydra config tree (one folder per group), shipped inside the package as `ensemble.conf`
(a link to this folder in the repo), so that an installed copy finds it: `pkg://ensemble.conf`."""
