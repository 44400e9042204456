"""Program search in stages (`core.search`):

1. graph (`graph`, `explore`): every input's images expanded breadth first by every grid function,
   each image once per function, states (one image per input) de-duplicated by hash; depth 1,
   then output size first (states with the demo outputs' shapes lend it to size-aware functions),
   then depth 2 and 3 in order of total cost, within a work budget counted in applications;
2. pieces (`pieces`): overlays of states that agree with the demo outputs where they paint;
3. typed enumeration (`core.Searcher`): compositions over objects, masks, values and two-grid
   primitives, with inferred final steps (colour map, local rule, mosaic), with the work the graph
   left;
then exact verification of every program on every demonstration (`verify`) and ranking. Where
ranking each grid's colours by frequency changes the task (`normalize`), stages 1-3 run a second
time on the ranked task with `rank_share` of the budget, and what they find is wrapped as
`rank_colours(I)` ... `unrank_colours(x, I)`."""

from dsl.search.core import Fit, SearchResult, search

__all__ = ["Fit", "SearchResult", "search"]
